package supervisor

import (
	"doorstep/app/kit"
	"fmt"

	"fyne.io/fyne/v2/lang"

	"doorstep/app/desk"
	"doorstep/app/desk/care"
)

// Desk pages OpenPage opens.
const (
	PageBenefits    = "benefits"    // a household's benefit history (id: household)
	PageInstitution = "institution" // a care institution (id: institution)
	PageAssessment  = "assessment"  // an institution's assessment visit (id: institution)
)

// OpenPage opens a desk page on one record, as tapping it does: page is
// PageBenefits, PageInstitution or PageAssessment. The screenshot tool
// and tests use it.
func OpenPage(x *kit.Env, page, id string) error {
	switch page {
	case PageBenefits:
		if !x.Show("benefits") {
			return fmt.Errorf("open benefits of %s: no benefits screen for %q", id, x.Me.Role)
		}
		s, ok := x.Visible().(*benefitsScreen)
		if !ok || !s.open(id) {
			return fmt.Errorf("open benefits of %s: not listed", id)
		}
		return nil
	case PageInstitution, PageAssessment:
		if !x.Show("institutions") {
			return fmt.Errorf("open institution %s: no institutions screen for %q", id, x.Me.Role)
		}
		o := office(x)
		ins, err := care.List(x.Ctx(), o, desk.Area{}, o.Today())
		if err != nil {
			return fmt.Errorf("open institution %s: %w", id, err)
		}
		for _, in := range ins {
			if in.ID != id {
				continue
			}
			x.Push(in.Name, newInstitution(x, in))
			if page == PageAssessment {
				x.Push(lang.L("desk.inst.assess_title", map[string]any{"Name": in.Name}), newAssessment(x, in))
			}
			return nil
		}
		return fmt.Errorf("open institution %s: %w", id, desk.ErrNotFound)
	}
	return fmt.Errorf("open desk page %q: unknown page", page)
}
