package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ActivityList is a widget.List whose scrolling (by wheel, or by dragging
// on a touch screen) counts as activity.
type ActivityList struct {
	widget.List
	x *Env
}

// NewActivityList is widget.NewList for a screen of x.
func NewActivityList(x *Env, length func() int, create func() fyne.CanvasObject,
	update func(widget.ListItemID, fyne.CanvasObject)) *ActivityList {
	l := &ActivityList{x: x}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer is the list's, with its scroller reporting activity.
func (l *ActivityList) CreateRenderer() fyne.WidgetRenderer {
	r := l.List.CreateRenderer()
	for _, o := range r.Objects() {
		if sc, ok := o.(*container.Scroll); ok {
			l.x.WatchScroll(sc)
		}
	}
	return r
}
