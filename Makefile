# Libro POM: `make book` publica una edición, `make test` la verifica.
# Cada objetivo prepara solo lo que necesita en una máquina Debian nueva (como root).

PYTHON ?= python3
# The plan and the edition year, unless given: the current edition of ediciones.yml, as
# pom_lib/core/defaults.py reads it (asked when a recipe runs, once the environment exists).
PLAN ?= $(shell $(VENV)/bin/python -m pom_lib.core.defaults plan)
EDICION ?= $(shell $(VENV)/bin/python -m pom_lib.core.defaults edicion)
# Optional: the execution file up to EDICION - 1 and the previous edition's plan folder.
EJECUCION ?=
PLAN_ANTERIOR ?=

VENV := .venv
ENTORNO := $(VENV)/.instalado
PAQUETES_PDF := texlive-xetex latexmk texlive-lang-spanish texlive-latex-extra \
	texlive-fonts-recommended fonts-freefont-otf
PAQUETES_PRUEBAS := chromium poppler-utils
# axe-core, which the browser tests inject into every page, from npm at the version of package-lock.json.
AXE := node_modules/axe-core/axe.min.js

# Installs Debian packages only when the command $(2) or a package is missing, so a ready
# machine never touches the network.
define instalar_debian
	@if ! command -v $(2) >/dev/null 2>&1 || ! dpkg -s $(1) >/dev/null 2>&1; then \
		echo "Instalando paquetes de Debian: $(1)"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1); \
	fi
endef

.PHONY: book archivar site test revision unitarias bench clean sistema-pdf sistema-pruebas

book: $(ENTORNO) sistema-pdf
	$(VENV)/bin/pom edicion $(if $(PLAN),--plan $(PLAN)) $(if $(EDICION),--edicion $(EDICION)) \
		$(if $(EJECUCION),--ejecucion $(EJECUCION)) $(if $(PLAN_ANTERIOR),--plan-anterior $(PLAN_ANTERIOR))

# Freezes the edition in book/ into ediciones/$(EDICION)/ before the next year's edition.
archivar: $(ENTORNO)
	$(VENV)/bin/pom archivar $(if $(EDICION),--edicion $(EDICION))

# Every edition of ediciones.yml, from its executed chapters, into _site/ (with several institutions,
# instituciones/<SIGLAS>/, the portal of all of them).
site: $(ENTORNO) sistema-pdf
	$(VENV)/bin/pom sitio

# Every test on every core (pytest-xdist): each test file runs whole in one worker, so a module's book
# is built once and a notebook's cells run in order in one kernel.
test: revision $(ENTORNO) sistema-pdf sistema-pruebas $(AXE)
	$(VENV)/bin/python -m pytest -n auto --dist loadfile

# The quick checks, before the long suite: lint and format (ruff), the layers of pom_lib
# (import-linter, pyproject.toml), chapter templates without outputs (nbstripout) and each one's .md
# saying what its .ipynb says (jupytext, jupytext.toml), and the CI files (actionlint for GitHub's,
# GitLab's schema bundled with check-jsonschema), all offline.
revision: $(ENTORNO)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/nbstripout --keep-id --verify notebooks/*.ipynb
	$(VENV)/bin/python -m tests.support.paired_templates
	$(VENV)/bin/actionlint -shellcheck= -pyflakes= .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml

# The tests that build no book, on every core (pytest-xdist; whole files, so each module's plan and
# chapters are computed once), for the edit-test loop. Some typeset a page (XeLaTeX, poppler) or run
# the search script (Node.js, with npm): a missing program fails them, never skips them.
unitarias: $(ENTORNO) sistema-pdf sistema-pruebas $(AXE)
	$(VENV)/bin/python -m pytest -m "not libro" -n auto --dist loadfile tests

# Times and memory of editions (1×, 10× and 100× plans) against the machine's floor, and of the portal of
# INSTITUCIONES institutions × 2 editions (0: without it); never part of `make test`. RONDAS=1 for a quick look.
RONDAS ?= 3
INSTITUCIONES ?= 20
bench: $(ENTORNO) sistema-pdf sistema-pruebas
	$(VENV)/bin/python -m tests.benchmark --rondas $(RONDAS) --instituciones $(INSTITUCIONES)

clean:
	@echo "Borrando _build/ (con la caché de capítulos), _site/, node_modules/ y las carpetas de trabajo (book/ y ediciones/ se conservan)."
	rm -rf _build _site .edicion .sitio node_modules

# Redone whenever the lock or the package metadata change.
$(ENTORNO): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
		echo "Instalando python3-venv"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	@echo "Preparando el entorno de Python en $(VENV)"
	$(PYTHON) -m venv --clear $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Instalando npm desde Debian"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	@echo "Instalando axe-core (npm) para las pruebas en el navegador"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

sistema-pdf:
	$(call instalar_debian,$(PAQUETES_PDF),xelatex)

sistema-pruebas:
	$(call instalar_debian,$(PAQUETES_PRUEBAS),chromium)
