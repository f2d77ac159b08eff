"""What was not understood: leftover words, unit names the lexicon does not know, and the closest metrics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher, get_close_matches

from clientscope.ask.lexicon import Lexicon, Match
from clientscope.ask.request import Issue
from clientscope.semantic import SemanticModel

SUGGESTIONS = 3
_MIN_SCORE = 0.34
# Words that carry no meaning of their own in a question (fillers, particles, question words).


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FILLERS_ZH = _words(
    "请问 帮我 帮忙 给我 告诉我 查询 查一下 查查 查看 看一下 看看 统计 显示 列出 展示 分析 一下 "
    "是多少 多少 怎么样 如何 "
    "情况 数据 数值 水平 目前 现在 当前 的 了 吗 呢 啊 吧 是 有 在 和 与 及 以及 跟 中 里 内 为 对 把 各个 各 按照 按 "
    "每个 每 哪个 哪些 哪家 哪几个 哪 个 家 名 位 所有 全部 不同 分 总共 一共 合计 总计 共 期间 期 同期 相比 较 比 "
    "对比 变化 多 少 高 低 排 指标 客群 这 那 呀 么 什么 谁 请 下 看 查 全行 全部 我们 我行 本行 总体 整体 共有 "
    "截至 截止 月末 末 底 营销 增长 增速 变动 同比变化 环比变化 分布 明细 构成"
)
_FILLERS_EN = frozenset(
    _words(
        "the a an of in for by what what's whats is are was were be been show me give list tell how many much which "
        "and with per each across to from on at our my please value values number total level levels figure figures "
        "do does did vs versus compared compare than over against between who has have had get see as it its this that "
        "there their data numbers about overall current currently now up down change changes changed so far far since "
        "all every any some period periods rank ranked ranking top bottom i we you can could would should end "
        "growth grew trend like look looks segment segments"
    )
)
_ZH_RUN = re.compile(r"[\u4e00-\u9fff]+")
_EN_WORD = re.compile(r"[a-z][a-z0-9'\-]*|[0-9]+[a-z]*")
_UNIT_ZH = re.compile(r"([\u4e00-\u9fff]{2,10}?)(支行|分行|营业部|区)$")
_UNIT_DIMENSION = {"支行": "branch", "分行": "branch", "营业部": "branch", "区": "region"}
_UNIT_WORDS = ("branch", "region")  # a dimension word after an unknown name: 浦东支行, Pudong branch
_ZH_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
_EN_TAIL = re.compile(r"\b([a-z][a-z\-]+)\s+$")


def ignored_words(rest: str) -> tuple[str, ...]:
    """The words left after everything understood was taken out, fillers removed."""
    words: list[str] = []
    for run in _ZH_RUN.findall(rest):
        for filler in sorted(_FILLERS_ZH, key=len, reverse=True):
            run = run.replace(filler, " ")
        words += run.split()
    words += [w for w in _EN_WORD.findall(rest) if w not in _FILLERS_EN]
    return tuple(dict.fromkeys(w for w in words if w.strip()))


def unknown_unit(rest: str, matches: Sequence[Match], lexicon: Lexicon) -> Issue | None:
    """A leftover that names a branch or region the data does not have (浦东支行, Pudong branch): asking beats
    answering for the whole bank as if the name had not been typed."""
    for match in matches:
        unit = next((m.name for m in match.meanings if m.kind == "dimension" and m.name in _UNIT_WORDS), None)
        if unit is None:
            continue
        before = rest[: match.start]
        zh = _ZH_TAIL.search(before)
        stem = _strip_fillers(zh.group(0)) if zh else ""
        if not stem:
            en = _EN_TAIL.search(before)
            stem = en.group(1) if en and en.group(1) not in _FILLERS_EN else ""
            stem = f"{stem} " if stem else ""
        if stem:
            return _unknown(stem + match.phrase, unit, lexicon)
    for run in _ZH_RUN.findall(rest):
        found = _UNIT_ZH.search(_strip_fillers(run))
        if found and len(found.group(0)) >= 3:
            return _unknown(found.group(0), _UNIT_DIMENSION[found.group(2)], lexicon)
    return None


def _strip_fillers(run: str) -> str:
    """The end of a run of Chinese characters after its last filler (的, 各, 请问 ...)."""
    cut = max((run.rfind(f) + len(f) for f in _FILLERS_ZH if f in run), default=0)
    return run[cut:]


def _unknown(phrase: str, dimension: str, lexicon: Lexicon) -> Issue:
    hints = closest_names(phrase, dimension, lexicon)
    return Issue("unknown_value", phrase=phrase, dimensions=(dimension,), names=hints)


PARTIAL_DIMENSIONS = ("campaign", "branch")  # names long enough to be asked for by a part


def partial_names(word: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """(dimension, code) of the campaigns and branches whose name holds `word` (two or more Chinese characters)."""
    if len(word) < 2 or not _ZH_RUN.fullmatch(word):
        return []
    return [
        (dimension, code)
        for dimension in PARTIAL_DIMENSIONS
        for code in lexicon.names.get(dimension, {})
        if word in lexicon.name(dimension, code, "")
    ]


def closest_names(phrase: str, dimension: str, lexicon: Lexicon) -> tuple[str, ...]:
    names = {lexicon.name(dimension, code, ""): code for code in lexicon.names.get(dimension, {})}
    return tuple(get_close_matches(phrase, list(names), n=SUGGESTIONS, cutoff=0.5))


def closest_metrics(words: str, lexicon: Lexicon, model: SemanticModel) -> tuple[str, ...]:
    """The metrics whose labels or synonyms look most like the words left over (did-you-mean)."""
    pieces = [p for p in words.split() if p] or []
    if not pieces:
        return ()
    scores: dict[str, float] = {}
    for metric, phrases in lexicon.metric_phrases().items():
        best = max(_score(piece, phrase) for piece in pieces for phrase in phrases)
        scores[metric] = best
    ranked = sorted((m for m, s in scores.items() if s >= _MIN_SCORE), key=lambda m: (-scores[m], m))
    visible = {m.name for m in model.visible_metrics()}
    return tuple(m for m in ranked if m in visible)[:SUGGESTIONS]


def _score(piece: str, phrase: str) -> float:
    ratio = SequenceMatcher(None, piece, phrase).ratio()
    if not piece.isascii():  # Chinese: shared characters say more than their order
        shared = len(set(piece) & set(phrase))
        ratio = max(ratio, shared / max(len(set(piece) | set(phrase)), 1) * 1.2)
    return ratio
