#!/usr/bin/env bash
# Install everything manimflat needs on a fresh Debian/Ubuntu machine with Python >= 3.11:
# the system libraries manim builds against (cairo, pango, pkg-config), ffmpeg, a LaTeX
# distribution for Tex/MathTex (with dvisvgm; xelatex for templates that name it, ~20 MB),
# bubblewrap (the sandbox every validation runs in;
# without it validation falls back to a weaker sandbox, MF418), espeak-ng (text to speech for
# voice-over scenes), then manimflat itself with its test extras.
# Idempotent: what is already installed is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=0
for cmd in latex xelatex dvisvgm ffmpeg pkg-config bwrap espeak-ng; do
  command -v "$cmd" >/dev/null 2>&1 || need_apt=1
done
pkg-config --exists pangocairo 2>/dev/null || need_apt=1
if [ "$need_apt" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    build-essential pkg-config libcairo2-dev libpango1.0-dev ffmpeg git \
    texlive-latex-base texlive-latex-recommended texlive-latex-extra \
    texlive-fonts-recommended texlive-science texlive-xetex dvisvgm cm-super bubblewrap \
    espeak-ng >/dev/null
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install -q --disable-pip-version-check -e ".[test]"

# Real Manim plugins the plugin tests inline or lower against. Installed without their
# dependencies: manim-themes pins manim<0.20 and manim-ml pins nothing; neither has a
# `manim.plugins` entry point, so `import manim` does not load them. Plugins that do have
# one (manim-physics, manim-rubikscube, manim-voiceover) are imported by every `import manim`
# and break it when they fail on this manim, so they are not installed here.
"$PYTHON" -m pip install -q --disable-pip-version-check --no-deps \
  "manim-themes==0.1.3" "manim-ml==0.0.24"

# manim-voiceover (pinned, with the pyttsx3 service; espeak-ng speaks) in its own venv that
# sees the main site-packages: the voice-over render test runs the original scene there.
VOICEOVER_VENV="${MANIMFLAT_VOICEOVER_VENV:-$HOME/.cache/manimflat/voiceover-venv}"
if [ ! -x "$VOICEOVER_VENV/bin/python" ]; then
  "$PYTHON" -m venv --system-site-packages "$VOICEOVER_VENV"
fi
"$VOICEOVER_VENV/bin/python" -m pip install -q --disable-pip-version-check \
  "manim-voiceover==0.4.0" "pyttsx3==2.99"

# bubblewrap needs user namespaces; say so now rather than at the first validation.
if ! bwrap --ro-bind / / --unshare-all --die-with-parent --new-session true 2>/dev/null; then
  echo "warning: bubblewrap cannot create its namespaces here (user namespaces disabled?);" \
       "validation will use the weaker sandbox (MF418)" >&2
fi
