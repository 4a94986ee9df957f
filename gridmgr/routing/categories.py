"""Categories of imported issues: a file's category names mapped to the taxonomy's ids."""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geodata.inputs import check_input_file
from geodata.readers import FALLBACK_ENCODING
from gridmgr.errors import GridError
from gridmgr.models import Category


def read_category_map(path: str | Path) -> dict[str, str]:
    """The rows source,category of a CSV (UTF-8, else GBK) mapping a file's names to ours."""
    path = Path(path)
    check_input_file(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", FALLBACK_ENCODING):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise GridError(
            f"类别对照表 {path.name} 的编码无法识别（需 UTF-8 或 GBK）",
            f"category map {path.name}: text encoding not recognised (UTF-8 or GBK needed)",
        )
    rows = csv.reader(io.StringIO(text, newline=""))
    return {row[0].strip(): row[1].strip() for row in rows if len(row) >= 2}


def department_of(category: Category) -> int | None:
    """The handling department of a category, inherited from its parent when unset."""
    if category.department_id is not None:
        return category.department_id
    if category.parent_id is not None:
        return Category.objects.get(pk=category.parent_id).department_id
    return None


@dataclass
class CategoryResolver:
    """Maps the category names found in a file to category ids."""

    mapping: dict[str, str]
    create: bool = False
    created: list[str] | None = None

    def resolve(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
        """Category and department ids per row (-1 unknown) and the unknown values."""

        by_key: dict[str, Category] = {}
        for c in Category.objects.all():
            for key in (c.code, c.name, c.name_en.lower()):
                by_key.setdefault(key, c)
        uniques, inverse = _unique_inverse(values)
        cat_ids = np.full(len(uniques), -1, dtype=np.int64)
        dep_ids = np.full(len(uniques), -1, dtype=np.int64)
        unknown: dict[str, str] = {}
        for k, raw in enumerate(uniques.tolist()):
            key = self.mapping.get(raw, raw).strip()
            found = by_key.get(key) or by_key.get(key.lower())
            if found is None and self.create and key:
                found = _new_category(key)
                by_key[key] = found
                self.created = [*(self.created or []), key]
            if found is None:
                unknown[raw] = key
                continue
            cat_ids[k] = found.pk
            dep_ids[k] = department_of(found) or -1
        return cat_ids[inverse], dep_ids[inverse], unknown


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(np.asarray(values, dtype=str), return_inverse=True), ~10× faster on text.

    A column of str (and None, which numpy writes "None") is dictionary-encoded by pyarrow,
    its few distinct values sorted as numpy sorts them; anything else goes through numpy.
    """
    text = None
    if isinstance(values, np.ndarray) and values.dtype == object:
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
            # Inferred, not imposed: only str and None make a string (or all-null) array.
            inferred = pa.array(values)
            if pa.types.is_string(inferred.type) or pa.types.is_null(inferred.type):
                text = inferred.cast(pa.string()).fill_null("None")
    # numpy's fixed-width text drops trailing NUL characters: leave such values to it.
    if text is None or pc.any(pc.match_substring(text, "\x00")).as_py():
        return np.unique(np.asarray(values, dtype=str), return_inverse=True)
    encoded = text.dictionary_encode()
    words = encoded.dictionary.to_pylist()
    order = sorted(range(len(words)), key=words.__getitem__)
    rank = np.empty(len(words), dtype=np.int64)
    rank[order] = np.arange(len(words))
    uniques = np.array([words[i] for i in order], dtype=str)
    return uniques, rank[encoded.indices.to_numpy(zero_copy_only=False)]


def _new_category(name: str) -> Any:

    parent, _ = Category.objects.get_or_create(
        code="99", defaults={"kind": "event", "name": "导入类别", "name_en": "Imported categories"}
    )
    seq = Category.objects.filter(parent=parent).count() + 1
    return Category.objects.create(
        code=f"99{seq:04d}", kind="event", parent=parent, name=name[:100], name_en=name[:100]
    )
