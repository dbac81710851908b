"""HTML outputs render in a real headless browser (Chromium from Debian's packages).

Each page is loaded through Selenium with Chromium; the test checks that Chinese text is in
the rendered page and visible, that the page draws something other than a blank canvas, and
that the browser console reports no errors. Skipped, saying why, where no Chromium and
chromedriver are installed (``apt-get install chromium chromium-driver fonts-noto-cjk``).
"""

from __future__ import annotations

import re
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="no Chromium/chromedriver installed (apt-get install chromium chromium-driver fonts-noto-cjk)",
)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,2000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=opts)
    yield driver
    driver.quit()


def _render(browser, path, shot):
    browser.get(path.resolve().as_uri())
    text = browser.execute_script("return document.body.innerText")
    visible = browser.execute_script(
        "const r = document.body.getBoundingClientRect(); return r.width > 0 && r.height > 0"
    )
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    browser.save_screenshot(str(shot))
    return text, visible, errors


def _not_blank(png) -> bool:
    from PIL import Image

    img = Image.open(png).convert("L")
    lo, hi = img.getextrema()
    return hi - lo > 100


def test_reuse_page_renders(browser, tmp_path):
    from analysis import load_corpus
    from analysis.reuse import find_reuse, most_reused_pair, reuse_html

    corpus = load_corpus()
    reuse = find_reuse(corpus, boilerplate="include", exclude_blocks=("cover", "trailer"))
    pair = most_reused_pair(reuse[~reuse.boilerplate], corpus)
    page = tmp_path / "reuse.html"
    reuse_html(corpus, reuse, *pair, path=page)
    text, visible, errors = _render(browser, page, tmp_path / "reuse.png")
    assert visible and not errors
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 1000
    assert _not_blank(tmp_path / "reuse.png")


def test_notebook_report_renders(browser, tmp_path):
    from analysis.suite import execute_notebook, notebook_paths

    nb = notebook_paths()[0]
    execute_notebook(nb, parameters={"FIGURES_DIR": str(tmp_path / "fig")}, html_dir=tmp_path)
    pages = sorted(tmp_path.glob("*.html"))
    assert pages, "no HTML report written"
    for page in pages:
        text, visible, errors = _render(browser, page, tmp_path / f"{page.stem}.png")
        assert visible and not errors, errors
        assert re.search(r"[\u4e00-\u9fff]{4}", text)
        assert _not_blank(tmp_path / f"{page.stem}.png")
