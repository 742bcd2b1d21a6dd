package kit

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SignatureW and SignatureH are the size of a signature image: 3:1, large
// enough to print.
const (
	SignatureW = 600
	SignatureH = 200
	// signatureInk is the stroke radius in image pixels.
	signatureInk = 2.6
)

// SignaturePad is a box the applicant or a staff member signs in with a
// finger, stylus or mouse. Strokes are kept in coordinates relative to the
// box (0–1), so the signature looks the same at any size; each finished
// stroke renders the whole signature to a PNG and hands it to OnChanged.
// A stored signature is shown as its image and further strokes add to it.
type SignaturePad struct {
	widget.BaseWidget

	// OnChanged receives the signature as PNG after each stroke, or nil
	// when cleared.
	OnChanged func(png []byte)

	strokes  [][]fyne.Position // relative points
	current  []fyne.Position
	base     image.Image // the stored signature being added to
	disabled bool
}

var (
	_ fyne.Draggable   = (*SignaturePad)(nil)
	_ fyne.Tappable    = (*SignaturePad)(nil)
	_ fyne.Disableable = (*SignaturePad)(nil)
)

// NewSignaturePad returns an empty pad.
func NewSignaturePad() *SignaturePad {
	p := &SignaturePad{}
	p.ExtendBaseWidget(p)
	return p
}

// rel converts a position in the widget to relative coordinates.
func (p *SignaturePad) rel(pos fyne.Position) fyne.Position {
	s := p.Size()
	if s.Width <= 0 || s.Height <= 0 {
		return fyne.Position{}
	}
	clamp := func(v float32) float32 { return fyne.Max(0, fyne.Min(1, v)) }
	return fyne.NewPos(clamp(pos.X/s.Width), clamp(pos.Y/s.Height))
}

// Dragged extends the stroke being drawn.
func (p *SignaturePad) Dragged(e *fyne.DragEvent) {
	if p.disabled {
		return
	}
	if len(p.current) == 0 {
		p.current = append(p.current, p.rel(e.Position.Subtract(e.Dragged)))
	}
	p.current = append(p.current, p.rel(e.Position))
	p.Refresh()
}

// DragEnd finishes the stroke and reports the signature.
func (p *SignaturePad) DragEnd() {
	if p.disabled || len(p.current) == 0 {
		return
	}
	p.strokes = append(p.strokes, p.current)
	p.current = nil
	p.Refresh()
	p.report()
}

// Tapped draws a dot (e.g. the dot of 之 or an i).
func (p *SignaturePad) Tapped(e *fyne.PointEvent) {
	if p.disabled {
		return
	}
	p.strokes = append(p.strokes, []fyne.Position{p.rel(e.Position)})
	p.Refresh()
	p.report()
}

func (p *SignaturePad) report() {
	if p.OnChanged != nil {
		p.OnChanged(p.PNG())
	}
}

// Clear removes the signature and reports nil.
func (p *SignaturePad) Clear() {
	if p.disabled {
		return
	}
	p.strokes, p.current, p.base = nil, nil, nil
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged(nil)
	}
}

// SetImage shows a stored signature (decoded PNG) to add to.
func (p *SignaturePad) SetImage(img image.Image) {
	p.base, p.strokes, p.current = img, nil, nil
	p.Refresh()
}

// Empty reports whether nothing is signed.
func (p *SignaturePad) Empty() bool { return p.base == nil && len(p.strokes) == 0 }

// Enable allows signing.
func (p *SignaturePad) Enable() { p.disabled = false; p.Refresh() }

// Disable stops signing (a submitted record).
func (p *SignaturePad) Disable() { p.disabled = true; p.Refresh() }

// Disabled reports whether signing is off.
func (p *SignaturePad) Disabled() bool { return p.disabled }

// PNG renders the signature, dark ink on white, signatureW×signatureH.
func (p *SignaturePad) PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, SignatureW, SignatureH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	if p.base != nil {
		drawScaled(img, p.base)
	}
	for _, s := range p.strokes {
		inkStroke(img, s)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		fyne.LogError("encode signature", err)
		return nil
	}
	return buf.Bytes()
}

// drawScaled draws src over dst stretched to dst's size (nearest pixel).
func drawScaled(dst *image.RGBA, src image.Image) {
	sb, db := src.Bounds(), dst.Bounds()
	for y := db.Min.Y; y < db.Max.Y; y++ {
		sy := sb.Min.Y + (y-db.Min.Y)*sb.Dy()/db.Dy()
		for x := db.Min.X; x < db.Max.X; x++ {
			sx := sb.Min.X + (x-db.Min.X)*sb.Dx()/db.Dx()
			dst.Set(x, y, src.At(sx, sy))
		}
	}
}

// inkStroke draws a stroke of relative points as a line of soft discs.
func inkStroke(img *image.RGBA, pts []fyne.Position) {
	at := func(p fyne.Position) (float64, float64) {
		return float64(p.X) * SignatureW, float64(p.Y) * SignatureH
	}
	x0, y0 := at(pts[0])
	inkDisc(img, x0, y0)
	for _, p := range pts[1:] {
		x1, y1 := at(p)
		steps := int(math.Ceil(math.Hypot(x1-x0, y1-y0) / 0.7))
		for i := 1; i <= steps; i++ {
			t := float64(i) / float64(steps)
			inkDisc(img, x0+(x1-x0)*t, y0+(y1-y0)*t)
		}
		x0, y0 = x1, y1
	}
}

// inkDisc darkens a disc of radius signatureInk around (cx, cy), with an
// anti-aliased edge.
func inkDisc(img *image.RGBA, cx, cy float64) {
	r := signatureInk
	b := img.Bounds()
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			if !(image.Point{x, y}).In(b) {
				continue
			}
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			cover := math.Max(0, math.Min(1, r+0.5-d))
			if cover == 0 {
				continue
			}
			old := img.RGBAAt(x, y)
			v := uint8(float64(old.R) * (1 - cover*0.92))
			if v < old.R {
				img.SetRGBA(x, y, color.RGBA{v, v, uint8(math.Min(float64(old.B), float64(v)+18)), 255})
			}
		}
	}
}

// CreateRenderer draws the box, a signing line and the strokes.
func (p *SignaturePad) CreateRenderer() fyne.WidgetRenderer {
	r := &signatureRenderer{p: p,
		bg:     canvas.NewRectangle(color.White),
		line:   canvas.NewLine(theme.Color(theme.ColorNameDisabled)),
		hint:   canvas.NewText(lang.L("signature.hint"), theme.Color(theme.ColorNamePlaceHolder)),
		layers: container.NewWithoutLayout(),
	}
	r.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	r.bg.StrokeWidth = 1
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.hint.TextSize = theme.CaptionTextSize()
	return r
}

// MinSize keeps the pad's 3:1 shape at a size a finger can sign in.
func (p *SignaturePad) MinSize() fyne.Size { return fyne.NewSize(300, 110) }

type signatureRenderer struct {
	p      *SignaturePad
	bg     *canvas.Rectangle
	line   *canvas.Line
	hint   *canvas.Text
	img    *canvas.Image
	layers *fyne.Container
}

func (r *signatureRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	y := size.Height * 0.78
	r.line.Position1 = fyne.NewPos(size.Width*0.06, y)
	r.line.Position2 = fyne.NewPos(size.Width*0.94, y)
	r.hint.Move(fyne.NewPos(size.Width*0.06, y+2))
	r.layers.Resize(size)
	r.draw(size)
}

// draw rebuilds the ink: the stored image and a line per segment.
func (r *signatureRenderer) draw(size fyne.Size) {
	var objs []fyne.CanvasObject
	if r.p.base != nil {
		if r.img == nil || r.img.Image != r.p.base {
			r.img = canvas.NewImageFromImage(r.p.base)
			r.img.FillMode = canvas.ImageFillStretch
		}
		r.img.Resize(size)
		objs = append(objs, r.img)
	}
	// Ink is dark on the white box in either theme variant, as on paper.
	ink := color.NRGBA{0x20, 0x28, 0x38, 0xff}
	abs := func(q fyne.Position) fyne.Position { return fyne.NewPos(q.X*size.Width, q.Y*size.Height) }
	strokes := r.p.strokes
	if len(r.p.current) > 0 {
		strokes = append(strokes[:len(strokes):len(strokes)], r.p.current)
	}
	for _, s := range strokes {
		if len(s) == 1 {
			dot := canvas.NewCircle(ink)
			c := abs(s[0])
			dot.Move(c.SubtractXY(2, 2))
			dot.Resize(fyne.NewSize(4, 4))
			objs = append(objs, dot)
			continue
		}
		for i := 1; i < len(s); i++ {
			l := canvas.NewLine(ink)
			l.StrokeWidth = 2.5
			l.Position1, l.Position2 = abs(s[i-1]), abs(s[i])
			objs = append(objs, l)
		}
	}
	r.layers.Objects = objs
}

func (r *signatureRenderer) MinSize() fyne.Size { return r.p.MinSize() }

func (r *signatureRenderer) Refresh() {
	empty := r.p.Empty() && len(r.p.current) == 0
	r.hint.Hidden = !empty
	r.hint.Text = lang.L("signature.hint")
	r.draw(r.p.Size())
	r.layers.Refresh()
	canvas.Refresh(r.p)
}

func (r *signatureRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.line, r.hint, r.layers}
}

func (r *signatureRenderer) Destroy() {}

// SignatureField is a signature pad with its caption, a clear button and
// the message shown when the signature is missing. The signature is stored
// as a content-addressed blob; set receives its hash ("" when cleared).
func (k *FormKit) SignatureField(caption, issueField, hash string, set func(hash string)) fyne.CanvasObject {
	pad := NewSignaturePad()
	// note says why a stored signature is not shown yet: it is being
	// downloaded (a record synced from another device), or cannot be.
	note := widget.NewLabel("")
	note.SizeName = theme.SizeNameCaptionText
	note.Importance = widget.LowImportance
	note.Hide()
	var box *fyne.Container // the field, laid out again when the note changes
	if hash != "" {
		load := func(err error) {
			defer func() {
				if box != nil {
					box.Refresh()
				}
			}()
			var data []byte
			if err == nil {
				data, err = k.x.Blobs().Get(hash)
			}
			if err != nil {
				fyne.LogError("read signature", err)
				note.SetText(lang.L("attachment.unavailable"))
				note.Show()
				return
			}
			note.Hide()
			if img, err := png.Decode(bytes.NewReader(data)); err == nil {
				pad.SetImage(img)
			}
		}
		if k.x.hasBlob(hash) {
			load(nil)
		} else {
			note.SetText(lang.L("attachment.loading"))
			note.Show()
			k.x.fetchBlob(hash, load)
		}
	}
	pad.OnChanged = func(data []byte) {
		if data == nil {
			set("")
			k.Changed()
			return
		}
		h, err := k.x.Blobs().Put(data)
		if err != nil {
			k.x.ShowError("signature.save_failed", err)
			return
		}
		set(h)
		k.Changed()
	}
	clear := widget.NewButtonWithIcon(lang.L("signature.clear"), theme.ContentClearIcon(), pad.Clear)
	clear.Importance = widget.LowImportance
	title := widget.NewLabel(caption)
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	head := container.NewBorder(nil, nil, nil, clear, title)
	objs := []fyne.CanvasObject{head, pad, note}
	if issueField != "" {
		objs = append(objs, k.ErrLabel(issueField))
	}
	box = container.New(&TightVBox{}, objs...)
	return box
}
