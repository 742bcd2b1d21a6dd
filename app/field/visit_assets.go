package field

import (
	"doorstep/app/kit"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
)

// assetButtons offers one "add" button per asset kind.
func (s *visitScreen) assetButtons() fyne.CanvasObject {
	box := s.kit.Grid(150)
	for _, kind := range kit.CodeLists["asset"] {
		b := widget.NewButtonWithIcon(kit.Code("asset", kind), theme.ContentAddIcon(), func() {
			s.v.AddAsset(newRecordID(), kind)
			s.buildAssets()
			s.kit.Changed()
		})
		box.Add(b)
	}
	return container.NewVBox(lowLabel(lang.L("visit.add_asset")), box)
}

// buildAssets (re)builds the asset rows; each shows the fields its kind
// needs: a dwelling's area and type, a vehicle's type, whether it is a
// disability vehicle and its value, a business's staff, an amount.
func (s *visitScreen) buildAssets() {
	k := s.kit
	wasBuilding := k.Building
	k.Building = true
	defer func() { k.Building = wasBuilding }()
	s.assetBox.Objects = nil
	for _, a := range s.v.Assets {
		s.assetBox.Add(s.assetRow(a.ID, a.Kind))
	}
	if len(s.v.Assets) == 0 {
		s.assetBox.Add(lowLabel(lang.L("visit.no_assets")))
	}
	s.assetBox.Refresh()
	k.RefreshIssues()
}

func (s *visitScreen) assetRow(id, kind string) fyne.CanvasObject {
	k := s.kit
	get := func() *model.Asset {
		if i := slices.IndexFunc(s.v.Assets, func(x model.Asset) bool { return x.ID == id }); i >= 0 {
			return &s.v.Assets[i]
		}
		return &model.Asset{}
	}
	f := func(name string) string { return model.AssetField(id, name) }
	cells := []fyne.CanvasObject{
		k.Col(f("owner_member_id"), s.memberChoice(func() *string { return &get().OwnerMemberID }, true)),
	}
	value := k.Col(f("value"), k.NumberEntry(func() *string { return &get().Value }, "asset.value_placeholder"))
	switch kind {
	case "dwelling":
		cells = append(cells,
			k.Col(f("floor_area"), k.NumberEntry(func() *string { return &get().FloorArea }, "asset.area_placeholder")),
			k.Col(f("dwelling_type"), k.CodeSelect("dwelling", func() *string { return &get().DwellingType })),
			k.Col(f("renovation"), k.CodeSelect("renovation", func() *string { return &get().Renovation })),
		)
	case "vehicle":
		cells = append(cells,
			k.Col(f("vehicle_type"), k.CodeSelect("vehicle", func() *string { return &get().VehicleType })),
			value,
			k.Col(f("disability_vehicle"), k.Check("asset.is_disability_vehicle", func() *bool { return &get().DisabilityVehicle })),
		)
	case "business":
		cells = append(cells, value,
			k.Col(f("employs_others"), k.Check("asset.does_employ_others", func() *bool { return &get().EmploysOthers })))
	default:
		cells = append(cells, value)
	}
	cells = append(cells, k.Col(f("description"), k.Entry(func() *string { return &get().Description }, "")))
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		s.v.RemoveAsset(id)
		k.Forget(model.AssetField(id, ""))
		s.buildAssets()
		k.Changed()
	})
	remove.Importance = widget.LowImportance
	title := kit.Heading(kit.Code("asset", kind))
	return widget.NewCard("", "", container.NewVBox(
		container.NewBorder(nil, nil, nil, remove, title),
		k.Grid(170, cells...),
	))
}
