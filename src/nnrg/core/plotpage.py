"""An HTML page template for ``dvc plots show`` that works without internet.

DVC's default page loads vega, vega-lite and vega-embed from a CDN; this template carries the
three libraries inline (from an npm install of them, ``make plots-offline``) and DVC's
``{plot_divs}`` placeholder, and leaves out DVC's ``{scripts}`` placeholder (the CDN tags).
Use it as ``dvc plots show --html-template .nnrg/plots.html``.
"""

from __future__ import annotations

from pathlib import Path

LIBRARIES = ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js",
             "vega-embed/build/vega-embed.min.js")  # fmt: skip
PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>nnrg: dvc plots</title>
{libraries}
<style>body {{ font-family: sans-serif; }} div {{ margin: 12px 0 28px 0; }}</style>
</head>
<body>
{{plot_divs}}
</body>
</html>
"""


def offline_template(node_modules: Path) -> str:
    """The page template text, with the libraries read from ``node_modules``; a one-line
    error names a missing library."""
    scripts = []
    for rel in LIBRARIES:
        path = Path(node_modules) / rel
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing (run `make plots-offline`)")
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        scripts.append(f"<script>/* {rel} */\n{code}\n</script>")
    return PAGE.format(libraries="\n".join(scripts))
