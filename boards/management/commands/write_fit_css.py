"""`manage.py write_fit_css`: regenerate static/boards/fit.css from boards/fitting.py."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from boards.fitting import fit_css

FIT_CSS = Path(settings.BASE_DIR) / "static" / "boards" / "fit.css"


class Command(BaseCommand):
    help = "Write the TV grids' column table (static/boards/fit.css) from boards/fitting.py."

    def handle(self, *args: object, **options: object) -> None:
        FIT_CSS.write_text(fit_css())
        self.stdout.write(f"wrote {FIT_CSS}")
