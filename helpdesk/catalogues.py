"""Compile the translation catalogues in pure Python (babel), so no gettext tools are needed."""

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

SKIP_DIRS = {".venv", "var", "node_modules", ".git"}


def po_files(root: Path | None = None) -> list[Path]:
    root = root or Path(settings.BASE_DIR)
    return sorted(
        path for path in root.rglob("locale/*/LC_MESSAGES/*.po")
        if not SKIP_DIRS.intersection(path.relative_to(root).parts)
    )


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as po:
        catalogue = read_po(po)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def compile_all(root: Path | None = None) -> list[Path]:
    written = []
    for po_path in po_files(root):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written
