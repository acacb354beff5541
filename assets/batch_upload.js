/* Predicciones por Lotes: stream the chosen file to POST /batch/upload (never through a Dash callback, never
   read whole into memory), show the upload progress, then hand the file's check (columns, rows, first rows and
   problems) to the tab's dcc.Store; the tab's "Hacer predicciones" button starts the job. */
(function () {
    "use strict";
    var ZONE = "batch-upload", INPUT = "batch-file-input";

    function setProps(id, props) { window.dash_clientside.set_props(id, props); }
    function mb(n) { return (n / 1048576).toFixed(1).replace(".", ","); }
    function size(n) { return n < 1048576 ? (n / 1024).toFixed(1).replace(".", ",") + " KB" : mb(n) + " MB"; }
    function notice(text) { setProps("batch-notice", {children: text, is_open: Boolean(text)}); }
    function progress(percent, label) {
        setProps("batch-upload-progress", {value: percent, label: label,
            style: {height: "1.1rem", display: percent === null ? "none" : "flex"}});
    }

    function send(file) {
        var zone = document.getElementById(ZONE);
        var limit = zone ? Number(zone.dataset.maxBytes) : Infinity;
        if (file.size > limit) {
            notice("«" + file.name + "» pesa " + mb(file.size) + " MB y el máximo es " + zone.dataset.maxMb +
                   " MB: no se envió.");
            return;
        }
        notice("");
        setProps("batch-staged", {data: null});
        var xhr = new XMLHttpRequest(), last = 0;
        xhr.open("POST", "/batch/upload?filename=" + encodeURIComponent(file.name));
        xhr.setRequestHeader("X-Batch-Upload", "1");
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.upload.onprogress = function (event) {
            var now = Date.now();
            if (!event.lengthComputable || now - last < 200) { return; }
            last = now;
            var percent = Math.round(100 * event.loaded / event.total);
            progress(percent, "Subiendo " + percent + " % (" + mb(event.loaded) + " de " + mb(event.total) + " MB)");
        };
        xhr.onload = function () {
            var body = {};
            try { body = JSON.parse(xhr.responseText); } catch (error) { body = {}; }
            if (xhr.status === 200 && body.upload_id) {
                progress(100, "Archivo recibido: " + size(file.size));
                setProps("batch-staged", {data: body});
            } else {
                progress(null, "");
                notice(body.message || ("No se pudo subir «" + file.name + "» (HTTP " + xhr.status + ")."));
            }
        };
        xhr.onerror = function () {
            progress(null, "");
            notice("Se interrumpió la subida de «" + file.name + "»: revise la conexión e inténtelo de nuevo.");
        };
        progress(0, "Subiendo 0 %");
        xhr.send(file);
    }

    function input() {
        var element = document.getElementById(INPUT);
        if (!element) {
            element = document.createElement("input");
            element.type = "file";
            element.id = INPUT;
            element.accept = ".csv,.xlsx";
            element.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;";
            element.addEventListener("change", function () {
                if (element.files.length) { send(element.files[0]); }
                element.value = "";
            });
            document.body.appendChild(element);
        }
        return element;
    }

    function zoneOf(event) { return event.target.closest ? event.target.closest("#" + ZONE) : null; }

    document.addEventListener("click", function (event) { if (zoneOf(event)) { input().click(); } });
    ["dragenter", "dragover"].forEach(function (type) {
        document.addEventListener(type, function (event) {
            var zone = zoneOf(event);
            if (zone) { event.preventDefault(); zone.style.backgroundColor = "#e3f2fd"; }
        });
    });
    document.addEventListener("dragleave", function (event) {
        var zone = zoneOf(event);
        if (zone) { zone.style.backgroundColor = "#f8fafc"; }
    });
    document.addEventListener("drop", function (event) {
        var zone = zoneOf(event);
        if (!zone) { return; }
        event.preventDefault();
        zone.style.backgroundColor = "#f8fafc";
        if (event.dataTransfer.files.length) { send(event.dataTransfer.files[0]); }
    });
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", input);
    } else {
        input();
    }
}());
