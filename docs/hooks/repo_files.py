"""MkDocs hook: publish the repository files that the documentation links to.

The pages in docs/ link to source files the way they are laid out in the repository, e.g.
`[train_sentence](../skipgram/_inner.pyx#train_sentence)`, so the links also work when the
Markdown is read on a code-hosting site. MkDocs only knows the files under docs/, so this hook:

- finds every relative link from a page to a file of the repository outside docs/ (following
  links from published Markdown files in turn), and always publishes the two compiled modules,
  whose code the API reference cannot show;
- adds a generated page `source/<path>.md` for each: source code split into one section per
  top-level definition (so `#train_sentence` is an anchor, checked by the strict build), or a
  Markdown file's own text;
- rewrites those links to the generated pages.

Standard library and MkDocs only; no plugin to install.
"""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files, InclusionLevel

log = logging.getLogger("mkdocs.hooks.repo_files")

# Published whether or not a page links to them: the kernels and the tokenizer.
ALWAYS = ("skipgram/_inner.pyx", "skipgram/_tokenize.pyx")
PREFIX = "source"
LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?((?:\s+\"[^\"]*\")?\))")
FENCE = re.compile(r"^(```|~~~)")
LANGUAGES = {
    ".pyx": "cython",
    ".pxd": "cython",
    ".pxi": "cython",
    ".h": "c",
    ".py": "python",
    ".toml": "toml",
    ".sh": "sh",
}
# A top-level definition of Python or Cython: the name is the last word before "(" or ":".
DEFINITION = re.compile(
    r"^(?:async\s+def|def|class|cdef|cpdef|ctypedef)\b(?!\s+extern)[^(:=]*?\(?\*?(\w+)\)?\s*[(:]"
)

FUNCTION_POINTER = re.compile(r"^ctypedef\b[^(]*\(\*(\w+)\)")

_published: dict[str, str] = {}  # repository path -> generated page src_uri


def _repo_root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _docs_dir(config) -> Path:
    return Path(config.docs_dir).resolve()


def _outside_target(source: Path, target: str, config) -> str | None:
    """The repository path (posix) a relative link from file `source` points to, when it leaves
    docs/ and names an existing file; None otherwise."""
    if "://" in target or target.startswith(("/", "mailto:")):
        return None
    resolved = (source.parent / target).resolve()
    root, docs = _repo_root(config), _docs_dir(config)
    if not resolved.is_file() or docs in resolved.parents or root not in resolved.parents:
        return None
    return resolved.relative_to(root).as_posix()


def _links(markdown: str):
    """Links outside fenced code blocks: (match) objects of LINK."""
    fenced = False
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            yield from LINK.finditer(line)


def _rewrite(markdown: str, source: Path, page_uri: str, config) -> str:
    """Point the links of `markdown` (the text of file `source`, published as `page_uri`) that
    leave docs/ at the generated pages, and links into docs/ from a published repository file
    at the documentation pages."""
    page_dir = posixpath.dirname(page_uri)
    docs = _docs_dir(config)

    def target_uri(target: str) -> str | None:
        path = _outside_target(source, target, config)
        if path is not None:
            return _published.get(path)
        resolved = (source.parent / target).resolve()
        if page_uri.startswith(PREFIX + "/") and docs in resolved.parents:
            return resolved.relative_to(docs).as_posix()
        return None

    def replace(match: re.Match) -> str:
        uri = target_uri(match.group(2))
        if uri is None:
            return match.group(0)
        relative = posixpath.relpath(uri, page_dir or ".")
        return match.group(1) + relative + (match.group(3) or "") + match.group(4)

    out, fenced = [], False
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
        out.append(line if fenced else LINK.sub(replace, line))
    return "".join(out)


def _code_page(path: str, text: str, suffix: str) -> str:
    """The source split at its top-level definitions, each under a heading with its name.
    Comment and decorator lines directly above a definition go with it."""
    language = LANGUAGES.get(suffix, "")
    lines = text.splitlines()
    starts: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        match = DEFINITION.match(line)
        if match:
            pointer = FUNCTION_POINTER.match(line)  # ctypedef void (*name)(...)
            name = (pointer or match).group(1)
            first = number
            while first > 0 and lines[first - 1].startswith(("#", "@")):
                first -= 1
            starts.append((first, name))
    parts = [
        f"# `{path}`\n\n"
        f"The source of `{path}` as it was when this site was built, one section per "
        "top-level definition.\n"
    ]
    if starts:
        seen: dict[str, int] = {}
        links = []
        for _, name in starts:
            # The anchors Markdown's toc extension gives the headings: repeats get _1, _2, ...
            anchor = name.lower()
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            links.append(f"[`{name}`](#{anchor}{f'_{count}' if count else ''})")
        parts.append(f"\nDefinitions: {', '.join(links)}.\n")
    bounds = [0] + [first for first, _ in starts] + [len(lines)]
    titles = ["Module header"] + [f"`{name}`" for _, name in starts]
    for title, begin, end in zip(titles, bounds[:-1], bounds[1:], strict=True):
        chunk = "\n".join(lines[begin:end]).strip("\n")
        if chunk:
            parts.append(f"\n## {title}\n\n```{language}\n{chunk}\n```\n")
    return "".join(parts)


def _publish(path: str, files: Files, config, pending: list[tuple[str, str, Path]]) -> None:
    if path in _published:
        return
    uri = f"{PREFIX}/{path}.md"
    _published[path] = uri
    source = _repo_root(config) / path
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".md":
        pending.append((text, uri, source))  # its links are rewritten once all are known
        content = text
    else:
        content = _code_page(path, text, source.suffix)
    files.append(File.generated(config, uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))


def on_files(files: Files, config) -> Files:
    _published.clear()
    pending: list[tuple[str, str, Path]] = []
    for path in ALWAYS:
        _publish(path, files, config, pending)
    queue = [
        (Path(f.abs_src_path).read_text(encoding="utf-8"), Path(f.abs_src_path))
        for f in files.documentation_pages()
        if f.abs_src_path is not None
    ]
    while queue:
        text, source = queue.pop()
        for match in _links(text):
            path = _outside_target(source, match.group(2), config)
            if path is not None and path not in _published:
                before = len(pending)
                _publish(path, files, config, pending)
                queue.extend((t, s) for t, _, s in pending[before:])
    for text, uri, source in pending:
        files.remove(files.get_file_from_path(uri))
        files.append(
            File.generated(
                config,
                uri,
                content=_rewrite(text, source, uri, config),
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.abs_src_path is None:
        return markdown  # generated pages were rewritten when they were made
    return _rewrite(markdown, Path(page.file.abs_src_path), page.file.src_uri, config)
