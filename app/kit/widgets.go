package kit

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

// Heading returns a bold label.
func Heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// Section is a titled card around content.
func Section(titleKey string, content fyne.CanvasObject) *widget.Card {
	return widget.NewCard("", "", container.NewBorder(WrapHeading(lang.L(titleKey)), nil, nil, nil, content))
}

// Field is one "label: value" pair of a facts grid.
type Field struct {
	Key   string // translation key of the label
	Value string // the value, shown as it is
}

// Facts lays out label/value pairs in two aligned columns; empty values
// show a dash.
func Facts(fs ...Field) *fyne.Container {
	objs := make([]fyne.CanvasObject, 0, 2*len(fs))
	for _, f := range fs {
		v := f.Value
		if v == "" {
			v = "—"
		}
		l := widget.NewLabel(lang.L(f.Key))
		val := widget.NewLabel(v)
		val.Wrapping = fyne.TextWrapWord
		objs = append(objs, l, val)
	}
	return container.New(&FormGridLayout{}, objs...)
}

// Code translates a stored code of a code list (schema codes), e.g.
// code("status", "active"). An empty value is a dash.
func Code(list, value string) string {
	if value == "" {
		return "—"
	}
	return lang.L("code." + list + "." + value)
}

// Codes translates a list of codes, joined for display.
func Codes(list string, values []string) string {
	if len(values) == 0 {
		return "—"
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = Code(list, v)
	}
	return strings.Join(out, lang.L("list.separator"))
}

// Money formats integer fen as yuan with two decimals, thousands
// separators and the unit: "1,234.50 元" / "¥1,234.50".
func Money(fen int64) string {
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

// Instant formats a stored RFC 3339 instant as local date and time; other
// text is returned as is.
func Instant(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04")
}

// DateOf returns the date part of a stored date or instant.
func DateOf(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Local().Format(records.DateLayout)
	}
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// ShowErrorDialog shows a translated title with the error's text.
func ShowErrorDialog(w fyne.Window, title string, err error) {
	d := dialog.NewCustom(title, lang.L("action.ok"),
		container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, widget.NewLabel(err.Error())), w)
	d.Show()
}

// FormGridLayout is a two-column label/value grid whose label column is as
// wide as its widest label and whose value column takes the rest, so long
// values wrap instead of widening the screen.
type FormGridLayout struct{}

func (FormGridLayout) labelWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for i := 0; i < len(objs); i += 2 {
		w = fyne.Max(w, objs[i].MinSize().Width)
	}
	return w
}

// Layout places each label/value pair on a row.
func (l FormGridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
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
func (l FormGridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	lw := l.labelWidth(objs)
	var vw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		v := objs[i+1].MinSize()
		vw = fyne.Max(vw, fyne.Min(v.Width, 320))
		h += fyne.Max(objs[i].MinSize().Height, v.Height)
	}
	return fyne.NewSize(lw+theme.Padding()+vw, h)
}

// ListRow is a row of the elder and household lists: a name and where on
// the left, a tag (pairing mode, status) and a date (next visit, re-check)
// on the right.
type ListRow struct {
	widget.BaseWidget
	Name  *widget.Label // the person or head of household
	Where *widget.Label // the address or community
	Tag   *widget.Label // pairing mode or status
	Date  *widget.Label // next visit or re-check
	// Detail is a line between name and where (an elder's last
	// screening), nil on rows made by NewListRow.
	Detail *widget.Label
}

// NewListRow returns an empty list row, for a list's CreateItem.
func NewListRow() *ListRow {
	r := &ListRow{Name: Heading(""), Where: widget.NewLabel(""), Tag: widget.NewLabel(""), Date: widget.NewLabel("")}
	r.Name.Truncation = fyne.TextTruncateEllipsis
	r.Where.Truncation = fyne.TextTruncateEllipsis
	r.Tag.Alignment = fyne.TextAlignTrailing
	r.Date.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// NewListRowWithDetail returns an empty list row with a detail line under
// the name, shortened with an ellipsis when it does not fit.
func NewListRowWithDetail() *ListRow {
	r := NewListRow()
	r.Detail = widget.NewLabel("")
	r.Detail.Truncation = fyne.TextTruncateEllipsis
	return r
}

// CreateRenderer lays the row out: name (detail) and where on the left,
// tag and date on the right.
func (r *ListRow) CreateRenderer() fyne.WidgetRenderer {
	left := container.NewVBox(r.Name, r.Where)
	if r.Detail != nil {
		left = container.NewVBox(r.Name, r.Detail, r.Where)
	}
	return widget.NewSimpleRenderer(container.New(listRowLayout{}, left, container.NewVBox(r.Tag, r.Date)))
}

// listRowLayout puts the left column beside the right one. A list lays a
// row out once, with the template's empty texts, and not again when the
// row is reused for an item: so the right column's width cannot follow its
// texts' and is two fifths of the row, enough for a status and class or a
// date at every text size; the left column takes the rest.
type listRowLayout struct{}

// Layout places the columns.
func (listRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	right := fyne.Max(objs[1].MinSize().Width, size.Width*2/5)
	left := fyne.Max(0, size.Width-right-pad)
	objs[0].Move(fyne.Position{})
	objs[0].Resize(fyne.NewSize(left, size.Height))
	objs[1].Move(fyne.NewPos(left+pad, 0))
	objs[1].Resize(fyne.NewSize(right, size.Height))
}

// MinSize is both columns side by side.
func (listRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	l, r := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(l.Width+theme.Padding()+r.Width, fyne.Max(l.Height, r.Height))
}

// RecordPage is the page of a record screen (a household, an elder): its
// parts in columns, scrolling.
type RecordPage struct {
	body *fyne.Container
	root fyne.CanvasObject
}

// Content returns the page's object, built on first use.
func (p *RecordPage) Content() fyne.CanvasObject {
	if p.root == nil {
		p.body = container.New(&ColumnsLayout{MinColumn: 420})
		p.root = container.NewVScroll(container.NewPadded(p.body))
	}
	return p.root
}

// Show replaces the page's parts.
func (p *RecordPage) Show(parts ...fyne.CanvasObject) {
	p.body.Objects = parts
	p.body.Refresh()
}

// FieldLabel is the label of a stored column ("desk.field.<col>").
func FieldLabel(col string) string { return lang.L("desk.field." + col) }
