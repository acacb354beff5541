/* Functions that AG Grid column definitions name in their "function" strings (dash-ag-grid looks them up here). */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

/* A cell as the uploaded file holds it, numbers written the Spanish way without rounding
   (856389.2 → 856.389,2; 1760000 → 1.760.000); text, dates and codes with leading zeros stay as they are. */
dagfuncs.fileValue = function (value) {
    if (value === null || value === undefined) {
        return "";
    }
    var text = String(value);
    var match = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/.exec(text);
    if (!match) {
        return text;
    }
    var whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return match[1] + whole + (match[3] ? "," + match[3] : "");
};
