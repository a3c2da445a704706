"""Turn teachers' material into lessons: `cinema import` and `cinema pack`.

Modules and what they hand each other (the contract; drafts.py has the types):

- folder.py     read_folder(path, ctx) -> LessonDraft; read_sources(paths, ctx) -> LessonDraft
                (a folder, or files given one by one: videos, sounds, pictures, PDFs, presentations,
                spreadsheets, in name order; subtitles found by name, `lesson.ar.srt`, `.vtt` too)
- pdf.py        render_pdf(path, out_dir, ctx, *, title="") -> SlidesDraft (each page a PNG at
                projector size); page_count(path) -> int
- presentation.py  to_pdf(path, out_dir, ctx) -> Path (LibreOffice headless; ImportProblem naming
                what to install where it is missing)
- sheets.py     read_sheet(path, ctx) -> tuple[QuizDraft, ...] (CSV, .xlsx, .ods; ImportProblem
                listing every bad sheet/row/column)
- kolibri.py    is_kolibri(path) -> bool; topics(path) -> list[Topic]; read_kolibri(path, topic, ctx,
                ask=None, *, language=None) -> LessonDraft (videos with subtitles, documents as slides,
                multiple-choice exercises as quizzes, the rest Skipped with the reason; topic None and
                several topics: a numbered list shown through ask(question) -> typed answer; the lesson's
                language is Kolibri's unless `language` (--language) is given)
- perseus.py    read_perseus(path, item_ids, pictures, *, place="") -> Perseus (a Kolibri exercise file's
                questions the kiosk can ask, and the reason for each it cannot)
- media.py      probe(path) -> Probe; prepare(src, stage, key, kind, ctx, reuse=()) -> Prepared
                (probed, decoded start to end once, converted where needed, loudness-normalised,
                a low-power rendition on request; resumable; nothing half-written)
- writer.py     target_for(playlists_dir, activities_dir, name, output=None, sources=()) -> Target;
                write_lesson(draft, target, ctx) -> WrittenLesson (media prepared into the
                lesson's folder, activities and playlist written, all committed at once; importing
                the same source again updates the lesson; a lesson not made by the import is never
                replaced: its file starts `# made-by: cinema import`, its folder holds `.made-by-cinema-import`)
- checksums.py  write_manifest(media_dir, files=None) / verify_lesson(playlist_path, cache=None) -> list[Problem]
                (`cinema check` catches a truncated or altered copy before class)
- pack.py       write_pack(playlists, out, card_keys, activities_dir=...); the two commands' halves
                main_pack(args) and is_pack(path) / import_packs(args)
- pack_install.py  install_pack(pack, playlists_dir, activities_dir, card_keys, allow_unsigned=False)
- pack_format.py   the pack's format, its signature key and what writing and installing share
- command.py    main_import(args) / main_pack(args): the command line, messages, exit codes

A lesson `playlists/NAME.yaml` keeps its media in `playlists/NAME/` (with `checksums.json`) and its
quizzes in the activities folder as `NAME--KEY.yaml` (activity id `NAME--KEY`).
"""

from .drafts import (
    Draft, ImportContext, ImportProblem, LessonDraft, MediaDraft, QuestionDraft, QuizDraft, SlidesDraft, Skipped,
    where,
)

__all__ = ["Draft", "ImportContext", "ImportProblem", "LessonDraft", "MediaDraft", "QuestionDraft", "QuizDraft",
           "SlidesDraft", "Skipped", "where"]
