package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// heading returns a bold label.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// section is a titled card around content.
func section(titleKey string, content fyne.CanvasObject) *widget.Card {
	return widget.NewCard("", "", container.NewBorder(heading(lang.L(titleKey)), nil, nil, nil, content))
}

// field is one "label: value" pair of a facts grid.
type field struct {
	key   string // translation key of the label
	value string
}

// facts lays out label/value pairs in two aligned columns; empty values
// show a dash.
func facts(fs ...field) *fyne.Container {
	objs := make([]fyne.CanvasObject, 0, 2*len(fs))
	for _, f := range fs {
		v := f.value
		if v == "" {
			v = "—"
		}
		l := widget.NewLabel(lang.L(f.key))
		val := widget.NewLabel(v)
		val.Wrapping = fyne.TextWrapWord
		objs = append(objs, l, val)
	}
	return container.New(&formGridLayout{}, objs...)
}

// code translates a stored code of a code list (schema codes), e.g.
// code("status", "active"). An empty value is a dash.
func code(list, value string) string {
	if value == "" {
		return "—"
	}
	return lang.L("code." + list + "." + value)
}

// codes translates a list of codes, joined for display.
func codes(list string, values []string) string {
	if len(values) == 0 {
		return "—"
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = code(list, v)
	}
	return strings.Join(out, lang.L("list.separator"))
}

// money formats integer fen as yuan with two decimals, thousands
// separators and the unit: "1,234.50 元" / "¥1,234.50".
func money(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	yuan := strconv.FormatInt(fen/100, 10)
	for i := len(yuan) - 3; i > 0; i -= 3 {
		yuan = yuan[:i] + "," + yuan[i:]
	}
	return lang.L("unit.yuan", map[string]any{"Amount": fmt.Sprintf("%s%s.%02d", sign, yuan, fen%100)})
}

// instant formats a stored RFC 3339 instant as local date and time; other
// text is returned as is.
func instant(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04")
}

// dateOf returns the date part of a stored date or instant.
func dateOf(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Local().Format(records.DateLayout)
	}
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// showErrorDialog shows a translated title with the error's text.
func showErrorDialog(w fyne.Window, title string, err error) {
	d := dialog.NewCustom(title, lang.L("action.ok"),
		container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, widget.NewLabel(err.Error())), w)
	d.Show()
}

// formGridLayout is a two-column label/value grid whose label column is as
// wide as its widest label and whose value column takes the rest, so long
// values wrap instead of widening the screen.
type formGridLayout struct{}

func (formGridLayout) labelWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for i := 0; i < len(objs); i += 2 {
		w = fyne.Max(w, objs[i].MinSize().Width)
	}
	return w
}

// Layout places each label/value pair on a row.
func (l formGridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	lw := l.labelWidth(objs)
	y := float32(0)
	for i := 0; i+1 < len(objs); i += 2 {
		vw := size.Width - lw - theme.Padding()
		objs[i+1].Resize(fyne.NewSize(vw, objs[i+1].MinSize().Height))
		h := fyne.Max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(lw, h))
		objs[i+1].Move(fyne.NewPos(lw+theme.Padding(), y))
		objs[i+1].Resize(fyne.NewSize(vw, h))
		y += h
	}
}

// MinSize is the label column plus a value column of at most 320.
func (l formGridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	lw := l.labelWidth(objs)
	var vw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		v := objs[i+1].MinSize()
		vw = fyne.Max(vw, fyne.Min(v.Width, 320))
		h += fyne.Max(objs[i].MinSize().Height, v.Height)
	}
	return fyne.NewSize(lw+theme.Padding()+vw, h)
}

// listRow is a row of the elder and household lists: a name and where on
// the left, a tag (pairing mode, status) and a date (next visit, re-check)
// on the right.
type listRow struct {
	widget.BaseWidget
	name  *widget.Label
	where *widget.Label
	tag   *widget.Label
	date  *widget.Label
}

func newListRow() *listRow {
	r := &listRow{name: heading(""), where: widget.NewLabel(""), tag: widget.NewLabel(""), date: widget.NewLabel("")}
	r.where.Truncation = fyne.TextTruncateEllipsis
	r.tag.Alignment = fyne.TextAlignTrailing
	r.date.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: name and where on the left, tag and date on the right.
func (r *listRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, container.NewVBox(r.tag, r.date),
		container.NewVBox(r.name, r.where)))
}

// recordPage is the page of a record screen (a household, an elder): its
// parts in columns, scrolling.
type recordPage struct {
	body *fyne.Container
	root fyne.CanvasObject
}

func (p *recordPage) content() fyne.CanvasObject {
	if p.root == nil {
		p.body = container.New(&columnsLayout{minColumn: 420})
		p.root = container.NewVScroll(container.NewPadded(p.body))
	}
	return p.root
}

// show replaces the page's parts.
func (p *recordPage) show(parts ...fyne.CanvasObject) {
	p.body.Objects = parts
	p.body.Refresh()
}
