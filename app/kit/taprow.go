package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TapRow is a block of a detail screen that opens something when tapped,
// e.g. one visit of a household's history: a chevron at its end says so,
// and it is highlighted under a mouse pointer.
type TapRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
	bg      *canvas.Rectangle
}

// NewTapRow returns a row showing content that calls onTap when tapped.
func NewTapRow(content fyne.CanvasObject, onTap func()) *TapRow {
	r := &TapRow{content: content, onTap: onTap, bg: canvas.NewRectangle(color.Transparent)}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: the content, a chevron on the right.
func (r *TapRow) CreateRenderer() fyne.WidgetRenderer {
	r.bg.CornerRadius = theme.InputRadiusSize()
	next := container.NewCenter(widget.NewIcon(theme.NavigateNextIcon()))
	return widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewBorder(nil, nil, nil, next, r.content)))
}

// Tapped opens what the row stands for.
func (r *TapRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

// MouseIn highlights the row.
func (r *TapRow) MouseIn(*desktop.MouseEvent) {
	r.bg.FillColor = theme.Color(theme.ColorNameHover)
	r.bg.Refresh()
}

// MouseMoved does nothing; the row stays highlighted.
func (r *TapRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut removes the highlight.
func (r *TapRow) MouseOut() {
	r.bg.FillColor = color.Transparent
	r.bg.Refresh()
}

// Cursor is the pointing hand of a link.
func (r *TapRow) Cursor() desktop.Cursor { return desktop.PointerCursor }
