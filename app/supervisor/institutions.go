package supervisor

import (
	"doorstep/app/kit"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/care"
	"doorstep/app/desk/sheet"
	"doorstep/schema"
)

// institutionsScreen is the care-institution register (养老机构): every
// institution of the area with its ownership (public or private), beds,
// residents, staff and occupancy (derived), and — for roles that may read
// them — its assets. A row opens the institution; "New institution"
// registers one.
type institutionsScreen struct {
	x       *kit.Env
	root    fyne.CanvasObject
	places  *placeSelects
	list    *fyne.Container
	summary *widget.Label
	ins     []care.Institution
	fin     map[string]care.Finance // nil when the role may not read finances
	ready   bool
}

// mayReadFinances reports whether the signed-in role may read the
// institutions' finances (the registry's rule for institution_finances).
func mayReadFinances(x *kit.Env) bool {
	t, ok := schema.Reg.Table("institution_finances")
	return ok && t.CanRead(x.Me.Role)
}

// NewInstitutions returns the care-institution register screen.
func NewInstitutions(x *kit.Env) kit.Screen {
	s := &institutionsScreen{x: x, list: container.NewVBox()}
	s.places = newPlaceSelects(x, s.load)
	s.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.summary.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon(lang.L("desk.inst.new"), theme.ContentAddIcon(), func() {
		x.Push(lang.L("desk.inst.new"), newInstitution(x, care.Institution{}))
	})
	export := exportButtons(x, "care-institutions", func() []sheet.Sheet {
		return []sheet.Sheet{care.RegisterSheet(s.ins, s.fin)}
	})
	top := container.NewVBox(s.places.object(), container.NewBorder(nil, nil, nil, container.NewHBox(export, add), s.summary))
	s.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.list))
	return s
}

func (s *institutionsScreen) Content() fyne.CanvasObject { return s.root }

func (s *institutionsScreen) Reload() {
	if !s.ready {
		s.places.load()
		s.ready = true
	}
	s.load()
}

// load lists the area's institutions as of today.
func (s *institutionsScreen) load() {
	o := office(s.x)
	ins, err := care.List(s.x.Ctx(), o, s.places.area(), o.Today())
	var fin map[string]care.Finance
	if err == nil && mayReadFinances(s.x) {
		fin, err = care.Finances(s.x.Ctx(), o, s.places.area(), o.Today())
	}
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.ins, s.fin = ins, fin
	var beds, residents, staff, public int
	var assets int64
	s.list.Objects = nil
	for _, in := range ins {
		beds, residents, staff = beds+in.Beds, residents+in.Residents, staff+in.Staff
		if in.Ownership == "public" {
			public++
		}
		text := lang.L("desk.inst.row", map[string]any{"Name": in.Name, "Ownership": kit.Code("ownership", in.Ownership),
			"Community": in.Community, "Beds": in.Beds, "Residents": in.Residents, "Staff": in.Staff,
			"Occupancy": fmt.Sprintf("%.0f", in.OccupancyPct())})
		if f, ok := fin[in.ID]; ok {
			assets += f.TotalAssetsFen
			text += " · " + lang.L("desk.inst.assets", map[string]any{"Total": kit.Money(f.TotalAssetsFen), "Net": kit.Money(f.NetAssetsFen)})
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		s.list.Add(kit.NewTapRow(l, func() { s.x.Push(in.Name, newInstitution(s.x, in)) }))
	}
	if len(ins) == 0 {
		s.list.Add(widget.NewLabel(lang.L("desk.inst.none")))
	}
	occ := 0
	if beds > 0 {
		occ = residents * 100 / beds
	}
	sum := lang.L("desk.inst.summary", map[string]any{"Count": len(ins), "Public": public, "Private": len(ins) - public,
		"Beds": beds, "Residents": residents, "Occupancy": strconv.Itoa(occ), "Staff": staff})
	if fin != nil {
		sum += " · " + lang.L("desk.inst.summary_assets", map[string]any{"Total": kit.Money(assets)})
	}
	s.summary.SetText(sum)
	s.list.Refresh()
}
