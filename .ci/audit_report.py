"""Read a ``pip-audit -f json`` report: exit 1 when a pinned package has a known vulnerability, warn (exit 0)
when the report is missing or some packages could not be checked (vulnerability service unreachable)."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(report_path: str) -> int:
    text = Path(report_path).read_text() if Path(report_path).is_file() else ""
    if not text.strip():
        print("WARNING: pip-audit produced no report (vulnerability service unreachable?); dependencies NOT audited")
        return 0
    dependencies = json.loads(text)["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']}=={dep['version']}: {vuln['id']} (fixed in: {fixes})")
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    if skipped:
        print(f"WARNING: pip-audit could not check {len(skipped)} of {len(dependencies)} pins "
              f"(vulnerability service unreachable?): {', '.join(skipped)}")
    if vulnerable:
        return 1
    print(f"pip-audit: no known vulnerabilities in {len(dependencies) - len(skipped)} checked pins")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
