"""One module per screen of `cinema.core.view.Screen`; each has `draw(canvas, view, frame)`."""
