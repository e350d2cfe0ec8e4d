"""`symnn docs`: English and French pages, Markdown kept up to date, HTML that renders offline."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symnn.catalog import load_catalog
from symnn.cli import EXIT_OK, main
from symnn.report.docs import build_docs

ROOT = Path(__file__).resolve().parent.parent
BY_ID = {f.id: f for f in load_catalog()}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_docs(out, [BY_ID[i] for i in ("sigmoid", "batch-normalization", "conv-output-size")])
    return out


_BOUND = re.compile(r"< 1e-?\d+\b|< 1\b|(?<=\| )0(?= \|)|(?<=error )0\b")


def _comparable(page: str) -> str:
    """A page with its rounding-level bounds (``< 1e-15``, ``< 1``, or an exact 0) masked: a
    bound can move by a decade, or to 0, between machines whose exp/log round differently;
    every other figure and word must be the same bytes."""
    return _BOUND.sub("< bound", page)


def test_page_comparison_ignores_only_rounding_level_bounds():
    """A bound moving a decade compares equal; a changed figure or word does not."""
    page = "| gradient | passed | complex step | 72 | < 1e-12 | < 1 |\n| mc | 0.4 |"
    assert _comparable(page) == _comparable(page.replace("< 1e-12", "< 1e-13"))
    assert _comparable(page) == _comparable(page.replace("< 1 |", "< 1e-1 |"))
    assert _comparable(page) == _comparable(page.replace("< 1e-12", "0"))
    assert _comparable(page) != _comparable(page.replace("0.4", "0.5"))
    assert _comparable(page) != _comparable(page.replace("< 1e-12", "1e-05"))
    assert _comparable(page) != _comparable(page.replace("passed", "FAILED"))


def test_committed_catalog_pages_are_up_to_date(tmp_path):
    """docs/catalog/ is what `symnn docs -o docs/catalog --format md` writes today, on any
    machine: rounding-level figures are bounds, compared up to a decade."""
    assert main(["docs", "-o", str(tmp_path), "--format", "md"]) == EXIT_OK
    fresh = {p.relative_to(tmp_path).as_posix(): _comparable(p.read_text(encoding="utf-8"))
             for p in tmp_path.rglob("*.md")}
    committed = {p.relative_to(ROOT / "docs/catalog").as_posix():
                 _comparable(p.read_text(encoding="utf-8"))
                 for p in (ROOT / "docs/catalog").rglob("*.md")}
    stale = sorted(k for k in fresh.keys() | committed.keys() if fresh.get(k) != committed.get(k))
    assert not stale, f"regenerate with `symnn docs -o docs/catalog --format md`: {stale}"


def test_every_page_exists_in_both_languages(site):
    """Each formula has an English and a French page, in Markdown and HTML, and an index."""
    for lang in ("en", "fr"):
        for name in ("index", "sigmoid", "batch-normalization", "conv-output-size"):
            assert (site / lang / f"{name}.md").is_file()
            assert (site / lang / f"{name}.html").is_file()
    assert "Vérifications" in (site / "fr" / "sigmoid.md").read_text(encoding="utf-8")
    assert "Checks" in (site / "en" / "sigmoid.md").read_text(encoding="utf-8")


def test_pages_carry_statement_reading_checks_code_and_plots(site):
    """The sigmoid page: the printed LaTeX, symnn's reading, the check table, code, plots."""
    page = (site / "en" / "sigmoid.md").read_text(encoding="utf-8")
    assert r"g(z)=\displaystyle\frac{1}{1+e^{-z}}" in page
    assert "| gradient | passed | complex step |" in page
    assert "def sigmoid__g__d_z(" in page
    assert "![sigmoid-en-activation.png](../img/sigmoid-en-activation.png)" in page
    assert (site / "img" / "sigmoid-en-step-error.png").stat().st_size > 1000
    conv = (site / "fr" / "conv-output-size.md").read_text(encoding="utf-8")
    assert "conv-output-size-fr-holds-0.png" in conv and "erratum" in conv


def test_both_languages_have_every_word():
    """The French and English word tables have the same keys: no page falls back silently."""
    from symnn.report.docs import STRINGS

    assert STRINGS["en"].keys() == STRINGS["fr"].keys()


def test_html_index_links_every_formula_page(site):
    """The HTML index links each formula's HTML page."""
    page = (site / "en" / "index.html").read_text(encoding="utf-8")
    for fid in ("sigmoid", "batch-normalization", "conv-output-size"):
        assert f'<a href="{fid}.html">{fid}</a>' in page


def test_html_uses_mathml_and_fetches_nothing(site):
    """The HTML pages hold MathML and no script, stylesheet or image from another host."""
    page = (site / "en" / "batch-normalization.html").read_text(encoding="utf-8")
    assert "<math" in page and "<mfrac>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page


def _strip_code(dom: str) -> str:
    return re.sub(r"<pre>.*?</pre>", "", dom, flags=re.S)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("page", ["index.html", "en/batch-normalization.html"])
def test_html_renders_math_in_headless_chromium(site, tmp_path, page):
    """Chromium renders the page: a non-blank screenshot, no raw LaTeX outside code blocks, no
    MathML error element."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    url = (site / page).as_uri()
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,1400", url],
                   capture_output=True, timeout=120, check=True)
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.std() > 0.02  # not a blank page
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", url], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    text = re.sub(r"<[^>]+>", " ", _strip_code(dom))
    assert not re.search(r"\\[A-Za-z]+", text), "raw LaTeX on the page"
    assert "<merror" not in dom and "Traceback" not in text


def test_a_formula_that_cannot_be_read_gets_an_error_page_and_the_others_are_built(tmp_path):
    """docs with one unreadable statement: its page says why, the others are built, exit 2."""
    from symnn import cli
    from symnn.catalog import catalog_dir

    src = tmp_path / "src"
    src.mkdir()
    (src / "11-sigmoid.toml").write_text(
        (catalog_dir() / "11-sigmoid.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "bad.toml").write_text(
        "id = \"bad-latex\"\ntitle = { en = \"Bad\", fr = \"Mauvais\" }\n"
        "latex = 'x = \\frac{1}{'\n[symbols]\nx = { kind = \"scalar\" }\n", encoding="utf-8")
    out = tmp_path / "site"
    code = cli.main(["docs", "-o", str(out), "--catalog", str(src), "--format", "md"])
    assert code == 2
    assert "never closed" in (out / "en" / "bad-latex.md").read_text(encoding="utf-8")
    assert "Sigmoid" in (out / "en" / "sigmoid.md").read_text(encoding="utf-8")


def test_docs_again_without_a_formula_removes_its_pages_and_keeps_unchanged_ones(tmp_path):
    """Pages of a formula no longer built are gone; an unchanged page keeps its file time."""
    from symnn import cli
    from symnn.catalog import catalog_dir

    src = tmp_path / "src"
    src.mkdir()
    for name in ("11-sigmoid.toml", "12-tanh.toml"):
        shutil.copy(catalog_dir() / name, src / name)
    out = tmp_path / "site"
    args = ["docs", "-o", str(out), "--catalog", str(src), "--format", "md", "--no-cache"]
    assert cli.main(args) == EXIT_OK
    before = (out / "en" / "sigmoid.md").stat().st_mtime_ns
    (src / "12-tanh.toml").unlink()
    assert cli.main(args) == EXIT_OK
    left = sorted(p.name for p in (out / "en").iterdir())
    assert (left, (out / "en" / "sigmoid.md").stat().st_mtime_ns) == (
        ["index.md", "sigmoid.md"], before)
