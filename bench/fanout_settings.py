"""Settings of the fan-out benchmark's web process: wallboard.settings, unchanged, except that
collected static files live in the run's temporary folder.

With DEBUG=false the pages need the static manifest (CompressedManifestStaticFilesStorage);
the benchmark runs `collectstatic` into its own folder instead of the checkout's /staticfiles.
"""

import os

from wallboard.settings import *  # noqa: F403

STATIC_ROOT = os.environ["FANOUT_STATIC_ROOT"]
