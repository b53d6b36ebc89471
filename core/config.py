"""The archive's configuration, read once from the project's mkdocs.yml into a typed `ArchiveConfig`.

MkDocs' own keys say where the site's pages and output are (`site_url`, `docs_dir`, `site_dir`, `theme.custom_dir`,
`hooks`); one small `extra: archive:` section says the rest (the document folder, the sources, the build folder).
Every path is relative to the project directory (the folder holding mkdocs.yml), never to this code's location, so a
build runs on any project: `python -m archive build --project DIR`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "mkdocs.yml"
DEFAULTS = {"documents": "van-ban", "raw": "nguon", "sources": "sources", "build": "build"}  # extra: archive: keys
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
SLUG = re.compile(r"[a-z0-9-]+")  # `documents` and `raw`: one folder under docs/ and one URL segment
RESERVED = {"duyet", "feeds", "assets", "pagefind", "api"}  # generated browse pages, feeds, theme, static search, the service


class ConfigError(ValueError):
    """A configuration that cannot be used: the message names the file and the key."""


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may name Python objects (`!!python/name:…` for the heading slugifier): read as their name only,
    never imported or run here."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # MkDocs' !ENV and the like: not ours to read


@dataclass(frozen=True)
class ArchiveConfig:
    project: Path  # the folder holding mkdocs.yml
    config_file: Path
    site_url: str  # with a trailing slash: feeds, canonical links, sitemaps
    docs: Path  # MkDocs docs_dir: hand-written pages plus the generated ones
    site: Path  # MkDocs site_dir: the published site
    sources: Path  # raw scraped pages, their sidecars, permalinks.tsv
    build: Path  # records, index, state, report, site parts
    documents: str  # the document folder under docs/ and the URL prefix of document pages ("van-ban")
    raw: str  # the folder under docs/ and the site where raw sources are offered for download ("nguon")
    theme: tuple[Path, ...]  # what every page depends on: mkdocs.yml, the theme's custom_dir, the hooks

    @property
    def doc_dir(self) -> Path:
        return self.docs / self.documents

    @property
    def raw_dir(self) -> Path:
        return self.docs / self.raw

    @property
    def records(self) -> Path:
        return self.build / "records"

    @property
    def index(self) -> Path:
        return self.build / "index"

    @property
    def catalogue(self) -> Path:
        """Per document: series neighbours and gazetteer names, read by the MkDocs hook; kept out of the published site
        (it lists every document, so it grows with the archive)."""
        return self.build / "catalog.json"

    @property
    def permalinks(self) -> Path:
        return self.sources / "permalinks.tsv"


def _text(data: dict[str, Any], key: str, where: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key!r} must be a non-empty text, got {value!r}")
    return value.strip()


def _folder(root: Path, value: str, where: str, key: str) -> Path:
    """A folder of the project: relative, no '..', not the project folder itself (the build deletes and replaces what
    it writes there)."""
    rel = Path(value)
    if rel.is_absolute() or value.startswith(("/", "\\")):
        raise ConfigError(f"{where}: {key!r} must be a folder relative to the project, got the absolute path {value!r}")
    if ".." in rel.parts:
        raise ConfigError(f"{where}: {key!r} must stay inside the project (no '..'), got {value!r}")
    if rel == Path("."):
        raise ConfigError(f"{where}: {key!r} must be a folder inside the project, not the project folder itself ({value!r})")
    return root / rel


def _apart(folders: dict[str, Path], path: Path) -> None:
    """docs_dir, site_dir, sources and build: four distinct folders, none inside another (the build writes into docs/,
    replaces site/ and build/ parts wholesale, and never writes into sources/)."""
    names = list(folders)
    for n, a in enumerate(names):
        for b in names[n + 1:]:
            one, other = folders[a], folders[b]
            if one == other:
                raise ConfigError(f"{path}: {a!r} and {b!r} must be two folders, both are {one.relative_to(path.parent).as_posix()!r}")
            if one.is_relative_to(other) or other.is_relative_to(one):
                inner, outer = (a, b) if one.is_relative_to(other) else (b, a)
                rel_inner, rel_outer = (folders[k].relative_to(path.parent).as_posix() for k in (inner, outer))
                raise ConfigError(f"{path}: {inner!r} must not be inside {outer!r} ({rel_inner!r} in {rel_outer!r})")


def load_config(project: Path | None = None) -> ArchiveConfig:
    """The configuration of the project in `project` (default: the current directory).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "mkdocs.yml").write_text("site_url: https://kho.example.vn\\nextra:\\n  archive: {documents: vb}\\n")
    >>> config = load_config(folder)
    >>> config.site_url, config.doc_dir.relative_to(folder).as_posix(), config.site.name
    ('https://kho.example.vn/', 'docs/vb', 'site')
    """
    root = (project or Path.cwd()).resolve()
    path = root / CONFIG_FILE
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror}); is {root} an archive project?") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    extra = data.get("extra") or {}
    archive = extra.get("archive") or {} if isinstance(extra, dict) else {}
    if not isinstance(archive, dict):
        raise ConfigError(f"{path}: 'extra: archive:' must be a mapping")
    where = f"{path} (extra: archive:)"
    values = {key: _text(archive, key, where, default) for key, default in DEFAULTS.items()}
    for key in ("documents", "raw"):
        if not SLUG.fullmatch(values[key]):
            raise ConfigError(f"{where}: {key!r} must be one folder name of a-z, 0-9 and '-' (a slug), got {values[key]!r}")
        if values[key] in RESERVED:
            raise ConfigError(f"{where}: {key!r} may not be {values[key]!r}, a folder the site uses for something else")
    if values["documents"] == values["raw"]:
        raise ConfigError(f"{where}: 'documents' and 'raw' must be two folders, both are {values['raw']!r}")
    folders = {"docs_dir": _folder(root, _text(data, "docs_dir", str(path), "docs"), str(path), "docs_dir"),
               "site_dir": _folder(root, _text(data, "site_dir", str(path), "site"), str(path), "site_dir"),
               "sources": _folder(root, values["sources"], where, "sources"),
               "build": _folder(root, values["build"], where, "build")}
    _apart(folders, path)
    url = _text(data, "site_url", str(path), DEFAULT_SITE_URL)
    theme = data.get("theme") or {}
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    hooks = data.get("hooks") or []
    inputs = [path] + ([root / custom] if isinstance(custom, str) else []) + [root / h for h in hooks if isinstance(h, str)]
    return ArchiveConfig(
        project=root,
        config_file=path,
        site_url=url if url.endswith("/") else url + "/",
        docs=folders["docs_dir"],
        site=folders["site_dir"],
        sources=folders["sources"],
        build=folders["build"],
        documents=values["documents"],
        raw=values["raw"],
        theme=tuple(inputs),
    )
