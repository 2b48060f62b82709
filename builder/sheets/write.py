"""Writing stale sheets: reuse cached renders, render the rest in the pool, assemble topics."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.i18n import _, override
from builder.media import MediaRejected, read_media
from builder.output import atomic_write
from builder.sheets.context import ContentsEntry, Layout, ObjectiveSheet, TopicCover, anchor_for, meta_for, objective_sheet
from builder.sheets.cache import Entry
from builder.sheets.index import topic_index
from builder.sheets.names import group_anchor
from builder.sheets.plan import Planned, SheetPlan, shared_key
from builder.sheets.pool import (FinishJob, LaidOut, PageJob, PageResult, PartsJob, PartsResult, RenderPool,
                                 RenderSetup, SharedPart, TopicJob, open_pool)
from builder.sheets.render import PAGE_PLACEHOLDER, objective_head, topic_words
from builder.sheets.stamp import MemberLayout, guessed_layout, layout_record, small_runs


def write_stale(build: SheetPlan, stale: list[Planned]) -> None:
    """Bring every stale output up to date, rendering only keys the cache does not hold.

    Workers lay out each objective once (its context, HTML and PDF, largest first so no long
    sheet starts last), then put each topic PDF together from those renders as soon as its
    objectives are in the cache; meanwhile this process publishes what the cache already holds.
    """
    with override(build.guide.lang):  # the words of covers, headers and pages
        _write_stale(build, stale)


@dataclass
class _Ahead:
    """Topic contents and indexes laid out while their objectives are (PartsJob), and the
    objective contexts made for them (reused when the topic is put together)."""

    pending: set[str] = field(default_factory=set)  # topic keys whose parts are being laid out
    done: dict[str, PartsResult] = field(default_factory=dict)
    sheets: dict[str, list[ObjectiveSheet]] = field(default_factory=dict)
    laid: dict[str, LaidOut] = field(default_factory=dict)  # objectives laid out, their PDFs still to make


def _write_stale(build: SheetPlan, stale: list[Planned]) -> None:
    layout = Layout(build.options.paper, build.options.orientation, build.options.emoji)
    objectives = [p for p in stale if p.objective is not None]
    topics = [p for p in stale if p.objective is None]
    topic_renders = [p for p in topics if not build.cache.has(p.key)]
    # a topic is put together from its objectives' renders: those must be in the cache
    needed = {p.key for p in objectives} | {q.key for t in topic_renders for q in _members(build, t)}
    renders = [p for p in build.plan if p.objective is not None and p.key in needed and not _cached(build, p)]
    pool = _pool(build, len(renders) + len(topic_renders)) if renders or topic_renders else None
    ahead = _Ahead()
    try:
        for i, p in enumerate(sorted(renders, key=_size, reverse=True)):
            pool.submit(_page_job(build, p, layout))  # type: ignore[union-attr]
            for job in _parts_jobs(build, topic_renders, renders, layout, ahead) if i == 0 else ():
                pool.submit(job)  # type: ignore[union-attr]  # beside the largest objective
                ahead.pending.add(job.key)
        waiting = _submit_ready(build, pool, topic_renders, layout, ahead) if pool is not None else []
        for p in objectives:
            if p.key not in {r.key for r in renders}:
                _reuse(build, p, layout)
        if pool is not None:
            _collect(build, pool, renders + topic_renders, waiting, layout, ahead)
    finally:
        if pool is not None:
            pool.close()
    for p in topics:
        if p not in topic_renders:
            _publish(build, p)
        articles = tuple(build.cache.article_path(q.key).read_text("utf-8") for q in _members(build, p))
        _write_html(build, p, build.renderer.topic(_cover(build, p, layout), articles))
    _write_support(build, layout)


def _parts_jobs(build: SheetPlan, topics: list[Planned], renders: list[Planned], layout: Layout,
                ahead: _Ahead) -> list[PartsJob]:
    """The contents and index of each topic being put together again because some of its
    objectives changed, to lay out beside them: their page numbers from the layouts those
    objectives had when their outputs were last written (still in the cache until this build
    ends; small neighbours' shared one too), with what is new in them guessed
    (builder/sheets/stamp.py: guessed_layout). None for a topic an objective of which was
    never laid out."""
    stale = {p.key for p in renders}
    jobs = []
    for t in topics:
        members = [q for q in _members(build, t) if q.objective is not None]
        if not any(q.key in stale for q in members):
            continue
        keys = []  # the key each objective's last layout has
        for q in members:
            before = build.cache.manifest.get(build.outputs(q)[0].name) if q.key in stale else [q.key]
            keys.append(before[0] if before else "")
        sheets = _sheets(build, t, layout, ahead)
        heads = [objective_head(sheet, weight=False) for sheet in sheets]  # as the topic PDF's pages print them
        layouts = [build.member_layout(key, head) if key else None for key, head in zip(keys, heads)]
        if not all(layouts):
            continue
        guessed: list[MemberLayout] = []
        runs = {run.start: run for run in small_runs(layouts)}  # type: ignore[arg-type]
        i = 0
        while i < len(members):
            run = runs.get(i, range(i, i + 1))
            found = layouts[i] if len(run) == 1 else build.shared_layout(
                shared_key([keys[k] for k in run]), tuple((sheets[k].anchor, heads[k]) for k in run))
            if found is None:
                break
            for k in run:  # what is new in an edited objective: guessed
                if members[k].key in stale:
                    o = members[k].objective
                    found = guessed_layout(found, [anchor_for(o.id)] + [group_anchor(o.id, g)
                                                                       for g in range(len(o.command_groups))])
            guessed.append(found)
            i = run.stop
        else:
            cover_html, index_html = topic_parts(build, t, layout, sheets)
            cover = _cover(build, t, layout)
            jobs.append(PartsJob(t.key, cover_html, index_html, tuple(guessed), build.source_root,
                                 build.guide.lang, cover.meta, layout, _topic_heads(cover)))
    return jobs


def _sheets(build: SheetPlan, p: Planned, layout: Layout, ahead: _Ahead) -> list[ObjectiveSheet]:
    """The contexts of a topic's objectives (made once a build)."""
    if p.key not in ahead.sheets:
        ahead.sheets[p.key] = [objective_sheet(build.guide, p.topic, q.objective, layout, build.created,
                                               build.ctx.source_links)
                               for q in _members(build, p) if q.objective]
    return ahead.sheets[p.key]


def _submit_ready(build: SheetPlan, pool: RenderPool, topics: list[Planned], layout: Layout,
                  ahead: _Ahead) -> list[Planned]:
    """Start the topics whose objectives are all rendered (and whose contents and index laid
    out beside them are in); returns those still waiting."""
    waiting = []
    for p in topics:
        if p.key not in ahead.pending and all(q.key in ahead.laid or _cached(build, q) for q in _members(build, p)):
            pool.submit(_topic_job(build, p, layout, ahead))
        else:
            waiting.append(p)
    return waiting


def _cached(build: SheetPlan, p: Planned) -> bool:
    return build.cache.has(p.key) and build.cache.article_path(p.key).is_file() \
        and build.cache.part_path(p.key, ".body.pdf").is_file() \
        and build.cache.part_path(p.key, ".layout.json").is_file()


def _size(p: Planned) -> int:
    """A rough measure of how long an objective takes to lay out."""
    o = p.objective
    assert o is not None
    return (sum(len(g.lines) + 1 for g in o.command_groups) + sum(len(t.rows) + 2 for t in o.tables)
            + len(o.definitions) + sum(s.text.count("\n") + 2 for s in o.samples))


def _page_job(build: SheetPlan, p: Planned, layout: Layout) -> PageJob:
    """The job carries only its own topic and objective, not the whole guide."""
    assert p.objective is not None
    topic = replace(p.topic, objectives=(p.objective,))
    return PageJob(p.key, replace(build.guide, topics=(topic,)), layout, build.created,
                   build.source_root, build.ctx.source_links, p.objective.id not in build.cut)


def _reuse(build: SheetPlan, p: Planned, layout: Layout) -> None:
    """A stale output whose render is cached: copy the PDF, write the HTML from the model."""
    assert p.objective is not None
    sheet = objective_sheet(build.guide, p.topic, p.objective, layout, build.created,
                            build.ctx.source_links)
    _write_html(build, p, build.renderer.objective(sheet, standalone=True))
    _publish(build, p)


def _pool(build: SheetPlan, work: int) -> RenderPool:
    setup = RenderSetup(build.templates, (build.source_root,), build.options.pdf_variant,
                        build.ctx.time.epoch)
    return open_pool(setup, build.worker_count(work))


def _collect(build: SheetPlan, pool: RenderPool, planned: list[Planned], waiting: list[Planned],
             layout: Layout, ahead: _Ahead) -> None:
    """Store and publish each render as it finishes; start each topic once its objectives are in."""
    by_key = {p.key: p for p in planned}
    build.progress.start(len(planned), "sheet(s)")
    for job, result in pool.results():
        if isinstance(job, PartsJob):
            ahead.pending.discard(job.key)
            ahead.done[job.key] = result
            waiting = _submit_ready(build, pool, waiting, layout, ahead)
            continue
        p = by_key[job.key]
        if isinstance(result, LaidOut):  # its topic can be put together while its PDF is made
            ahead.laid[p.key] = result
            pool.submit(FinishJob(p.key, result, build.source_root, build.guide.lang))
            waiting = _submit_ready(build, pool, waiting, layout, ahead)
            continue
        if isinstance(result, PageResult):
            atomic_write(build.cache.article_path(p.key), result.article)
            body = result.rendered
            build.store(p, body, {".body.pdf": result.body,
                                  ".layout.json": layout_record(body.pages, body.anchors, body.refs, body.fills,
                                                                         body.tail, body.column)})
            _write_html(build, p, result.standalone)
            ahead.laid.pop(p.key, None)  # in the cache now: a large guide's renders are not all held
            waiting = _submit_ready(build, pool, waiting, layout, ahead)
        else:
            for key, laid, record in result.shared:  # kept for the next time the topic is put together
                build.cache.store(key, laid.pdf, Entry(laid.pages, ()), {".layout.json": record})
            build.store(p, result.rendered)
        _publish(build, p)
        build.progress.advance(p.stem)
    build.progress.finish()


def _topic_job(build: SheetPlan, p: Planned, layout: Layout, ahead: _Ahead) -> TopicJob:
    """A topic's contents and index as HTML (laid out already when that was done beside its
    objectives from the same HTML), and where its objectives' renders are (small neighbouring
    ones laid out together, from the cache when it holds them)."""
    members = [q for q in _members(build, p) if q.objective]
    sheets = _sheets(build, p, layout, ahead)
    heads = [objective_head(sheet, weight=False) for sheet in sheets]
    layouts = [_member_layout(build, q, head, ahead) for q, head in zip(members, heads)]
    printed = {name for m in layouts for name, _ in m.anchors}
    cover_html, index_html = topic_parts(build, p, layout, sheets, printed)
    cover = _cover(build, p, layout)
    shared = {run.start: run for run in small_runs(layouts)}  # type: ignore[arg-type]
    parts: list[tuple[Path, MemberLayout] | SharedPart] = []
    i = 0
    while i < len(members):
        run = shared.get(i)
        if run is None:
            laid = ahead.laid.get(members[i].key)
            parts.append((laid.body.pdf if laid else build.cache.part_path(members[i].key, ".body.pdf"),
                          layouts[i]))  # type: ignore[arg-type]
            i += 1
            continue
        objectives = tuple((sheets[k].anchor, heads[k]) for k in run)
        key = shared_key([members[k].key for k in run])
        found = build.shared_layout(key, objectives)
        articles = tuple(build.renderer.env.get_template("article.html").render(
            sheet=sheets[k], media_prefix="", page_ref=PAGE_PLACEHOLDER, spanning=False) for k in run)
        parts.append(SharedPart(key, build.renderer.topic_part("topic-shared.html", cover, articles=articles),
                                objectives, (build.cache.pdf_path(key), found) if found else None))
        i = run.stop
    done = ahead.done.get(p.key)
    return TopicJob(p.key, cover_html, index_html, tuple(parts),
                    cover.meta, layout, _topic_heads(cover),
                    build.source_root, _info(cover), cover.meta.lang,
                    done if done and (done.cover_html, done.index_html) == (cover_html, index_html) else None)


def _topic_heads(cover: TopicCover) -> tuple[str, str, str]:
    """The running head of a topic PDF's contents and of its index pages; the index's bookmark."""
    return topic_words(cover.number), _("Index"), _("Index")


def _member_layout(build: SheetPlan, q: Planned, head: str, ahead: _Ahead) -> MemberLayout | None:
    """An objective's layout: laid out in this build, or from the cache."""
    laid = ahead.laid.get(q.key)
    if laid is None:
        return build.member_layout(q.key, head)  # type: ignore[no-any-return]
    body = laid.body
    return MemberLayout((head,) * body.pages, ((head, 0),), body.anchors, body.refs, body.fills, body.tail,
                        body.column)


def topic_parts(build: SheetPlan, p: Planned, layout: Layout, sheets: list[ObjectiveSheet],
                printed: set[str] | None = None) -> tuple[str, str | None]:
    """A topic PDF's contents and index (when it has entries) as HTML, page numbers to fill in.

    `printed` are the anchors the objectives' renders hold: an index entry names only those (a
    sheet cut at its page limit leaves the rest of its commands to the decks).
    """
    members = [q.objective for q in _members(build, p) if q.objective]
    targets = {sheet.id: {c.name: c.target for c in sheet.cited} for sheet in sheets}
    index = topic_index(tuple(members), targets)
    if printed is not None:
        index = tuple(replace(e, anchors=kept) for e in index
                      if (kept := tuple(a for a in e.anchors if a in printed)))
    cover = _cover(build, p, layout)
    renderer = build.renderer
    index_html = renderer.topic_part("topic-index.html", cover, index=index) if index else None
    return renderer.topic_part("topic-cover.html", cover), index_html


def _info(cover: TopicCover) -> tuple[tuple[str, str], ...]:
    """The topic PDF's Info dictionary; dates only from SOURCE_DATE_EPOCH."""
    meta = cover.meta
    date = meta.created and "D:" + meta.created.replace("-", "").replace(":", "").replace("T", "")[:-1] + "Z"
    return (("Title", meta.title), ("Subject", meta.subject), ("Keywords", meta.keywords),
            ("Author", meta.exam), ("Creator", f"cheatdeck {meta.tool_version}"),
            ("Producer", f"cheatdeck {meta.tool_version}"), ("CreationDate", date or ""),
            ("ModDate", date or ""))


def _members(build: SheetPlan, topic_plan: Planned) -> list[Planned]:
    return [p for p in build.plan if p.objective is not None and p.topic is topic_plan.topic]


def _cover(build: SheetPlan, p: Planned, layout: Layout) -> TopicCover:
    """The title and contents that open a topic (the PDF fills in the page numbers)."""
    members = _members(build, p)
    entries = tuple(ContentsEntry(o.id, anchor_for(o.id), o.title, o.weight,
                                  tuple(c.name for c in o.cited_objects))
                    for o in (q.objective for q in members) if o is not None)
    title = topic_words(p.topic.number, p.topic.title)
    meta = meta_for(build.guide, p.topic, title, f"{build.guide.exam} {title}",
                    tuple(c.name for q in members if q.objective for c in q.objective.cited_objects),
                    build.created, layout.emoji)
    return TopicCover(meta, layout, p.topic.number, meta.topic.split(" ", 1)[-1], entries,
                      sum(o.weight or 0 for o in p.topic.objectives))


def _publish(build: SheetPlan, p: Planned) -> None:
    """Copy the stored render to its output name and note which key it came from."""
    pdf, _ = build.outputs(p)
    atomic_write(pdf, build.cache.pdf_path(p.key).read_bytes())
    build.cache.record(pdf, p.key)


def _write_html(build: SheetPlan, p: Planned, html: str) -> None:
    _, path = build.outputs(p)
    atomic_write(path, html)
    build.cache.record(path, p.key)


def _write_support(build: SheetPlan, layout: Layout) -> None:
    """The stylesheet and the images the standalone HTML pages link to, when they changed."""
    css_text, _ = build.renderer.stylesheet()
    _write_if_changed(build.folder / "sheet.css", css_text.encode("utf-8"))
    root = build.source_root
    for p in build.plan:
        for image in p.objective.images if p.objective else ():
            if image.resolved and image.exists:
                try:
                    data = read_media(root / image.resolved)
                except (OSError, MediaRejected):  # reported by the pipeline (media-rejected)
                    continue
                _write_if_changed(build.folder / "media" / image.resolved, data)


def _write_if_changed(path: Path, data: bytes) -> None:
    try:  # sizes first: a huge file left in dist/ is replaced, never read
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)
