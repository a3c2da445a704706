"""Card pictures: every child in a class gets a different one, and keeps it when cards are reprinted."""

from cinema.cards.symbols import COUNT, SHAPES, symbol_for, symbols_for


def test_a_class_of_72_gets_72_different_pictures():
    ids = [f"L{i:03d}" for i in range(COUNT)]
    assert len(set(symbols_for(ids).values())) == COUNT


def test_reprinting_gives_the_same_pictures_whatever_the_order():
    ids = [f"K{i}" for i in range(30)]
    assert symbols_for(ids) == symbols_for(list(reversed(ids)))


def test_most_children_keep_their_own_picture_and_a_newcomer_moves_at_most_one():
    ids = [f"L{i:03d}" for i in range(30)]
    before = symbols_for(ids)
    assert sum(before[i] == symbol_for(i) for i in ids) >= 20
    after = symbols_for(ids + ["L999"])
    assert sum(before[i] != after[i] for i in ids) <= 1


def test_more_than_72_still_gets_a_picture_each():
    ids = [f"L{i:03d}" for i in range(100)]
    pictures = symbols_for(ids)
    assert len(pictures) == 100 and all(p.shape in SHAPES for p in pictures.values())
