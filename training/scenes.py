"""Generated scenes for the captioner: two shapes on a white background and the sentence that
describes them, e.g. "a red circle above a blue square".

A scene is drawn on a 64 × 64 canvas (the page's drawing canvas has the same side), anti-aliased by
drawing at four times the size and averaging 4 × 4 blocks. Its two objects differ in colour; their
shapes may be equal. Each sits in its own cell of a 3 × 3 layout, moved by up to 2 pixels, 13 to
16 pixels across. The sentence always names the object whose colour comes first in COLOURS
first; the relation follows the cells: the larger of the row and column offsets decides
(cells on an exact diagonal are never drawn together), "above" / "below" for rows, "left of" /
"right of" for columns.

The model reads the scene shrunk to 32 × 32 in 4 × 4 patches: an 8 × 8 grid, each patch 8 × 8
canvas pixels. `object_patches` says which patches show which object (the object covering more
of a patch owns it; a patch needs at least PATCH_COVERAGE of its area covered).
"""

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 64
SUPERSAMPLE = 4
CELLS = 3
GRID = 8
PATCH_COVERAGE = 0.05
COLOURS = {"red": (214, 39, 40), "green": (44, 160, 44), "blue": (31, 90, 220), "yellow": (240, 190, 20)}
SHAPES = ["circle", "square", "triangle"]
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
WORDS = ["a", *COLOURS, *SHAPES, "above", "below", "left", "right", "of"]
VOCABULARY = SPECIALS + WORDS
MAX_WORDS = 8


def random_scene(rng):
    """One scene: two objects {shape, colour, cx, cy, size} (canvas pixels), the subject first."""
    colours = list(COLOURS)
    first, second = sorted(rng.choice(len(colours), 2, replace=False))
    while True:
        a, b = rng.choice(CELLS * CELLS, 2, replace=False)
        dr, dc = b // CELLS - a // CELLS, b % CELLS - a % CELLS
        if abs(dr) != abs(dc):
            break
    cell = CANVAS / CELLS
    objects = []
    for colour, at in ((colours[first], a), (colours[second], b)):
        objects.append({
            "shape": SHAPES[int(rng.integers(len(SHAPES)))],
            "colour": colour,
            "cx": round(float((at % CELLS + 0.5) * cell + rng.uniform(-2, 2)), 2),
            "cy": round(float((at // CELLS + 0.5) * cell + rng.uniform(-2, 2)), 2),
            "size": round(float(rng.uniform(13, 16)), 2),
        })
    return objects


def relation(objects):
    """The words between the two objects' phrases."""
    s, o = objects
    dy, dx = o["cy"] - s["cy"], o["cx"] - s["cx"]
    if abs(dy) > abs(dx):
        return ["above"] if dy > 0 else ["below"]
    return ["left", "of"] if dx > 0 else ["right", "of"]


def caption(objects):
    s, o = objects
    return ["a", s["colour"], s["shape"], *relation(objects), "a", o["colour"], o["shape"]]


def draw_object(draw, obj, scale, fill):
    cx, cy, r = obj["cx"] * scale, obj["cy"] * scale, obj["size"] * scale / 2
    if obj["shape"] == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif obj["shape"] == "square":
        s = r * 0.9
        draw.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
    else:
        draw.polygon([(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)], fill=fill)


def masks(objects):
    """Each object's coverage of the supersampled canvas (bool, CANVAS·SUPERSAMPLE square)."""
    side = CANVAS * SUPERSAMPLE
    out = []
    for obj in objects:
        image = Image.new("L", (side, side), 0)
        draw_object(ImageDraw.Draw(image), obj, SUPERSAMPLE, 255)
        out.append(np.asarray(image) > 127)
    return out


def render(objects):
    """The scene as 64 × 64 × 4 RGBA uint8 (opaque)."""
    side = CANVAS * SUPERSAMPLE
    image = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for obj in objects:
        draw_object(draw, obj, SUPERSAMPLE, COLOURS[obj["colour"]])
    big = np.asarray(image, dtype=np.float64).reshape(CANVAS, SUPERSAMPLE, CANVAS, SUPERSAMPLE, 3)
    rgb = np.rint(big.mean(axis=(1, 3))).astype(np.uint8)
    return np.dstack([rgb, np.full((CANVAS, CANVAS), 255, np.uint8)])


def object_patches(objects):
    """Per object, the patches (row-major indices of the 8 × 8 grid) it owns."""
    cover = []
    block = CANVAS * SUPERSAMPLE // GRID
    for mask in masks(objects):
        cover.append(mask.reshape(GRID, block, GRID, block).mean(axis=(1, 3)).reshape(-1))
    owned = [[], []]
    for p in range(GRID * GRID):
        k = 0 if cover[0][p] >= cover[1][p] else 1
        if cover[k][p] >= PATCH_COVERAGE:
            owned[k].append(p)
    return owned


def scenes(seed, count):
    rng = np.random.default_rng(seed)
    return [random_scene(rng) for _ in range(count)]
