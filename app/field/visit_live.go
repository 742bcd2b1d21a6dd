package field

import (
	"doorstep/app/kit"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/schema/district"
)

// visitLive is the visit form's live panel: the means test on what has
// been typed so far, in the user's language.
type visitLive struct {
	// box is the full panel (wide layout); compact its summary (narrow).
	box     *fyne.Container
	compact *fyne.Container
	sumLine *widget.Label
	why     *widget.Label

	counted, income, perCapita, standard *widget.Label
	verdict                              *widget.Label
	reasons                              *fyne.Container
	benefit, topUps, subsidy, total      *widget.Label
	note                                 *widget.Label
}

func newVisitLive() *visitLive {
	l := &visitLive{}
	val := func() *widget.Label {
		v := widget.NewLabel("")
		v.Alignment = fyne.TextAlignTrailing
		return v
	}
	l.counted, l.income, l.perCapita, l.standard = val(), val(), val(), val()
	l.benefit, l.topUps, l.subsidy, l.total = val(), val(), val(), val()
	l.perCapita.TextStyle.Bold = true
	l.total.TextStyle.Bold = true
	l.verdict = widget.NewLabel("")
	l.verdict.TextStyle.Bold = true
	l.verdict.Wrapping = fyne.TextWrapWord
	l.reasons = container.NewVBox()
	l.note = widget.NewLabel("")
	l.note.Wrapping = fyne.TextWrapWord
	l.note.Importance = widget.LowImportance
	row := func(key string, v *widget.Label) []fyne.CanvasObject {
		k := widget.NewLabel(lang.L(key))
		k.Importance = widget.LowImportance
		return []fyne.CanvasObject{k, v}
	}
	grid := func(rows ...[]fyne.CanvasObject) *fyne.Container {
		var objs []fyne.CanvasObject
		for _, r := range rows {
			objs = append(objs, r...)
		}
		return container.New(&kit.FormGridLayout{}, objs...)
	}
	l.box = container.NewVBox(
		kit.Heading(lang.L("live.title")),
		grid(row("live.counted", l.counted), row("live.income", l.income),
			row("live.per_capita", l.perCapita), row("live.standard", l.standard)),
		widget.NewSeparator(),
		l.verdict, l.reasons,
		widget.NewSeparator(),
		grid(row("live.benefit", l.benefit), row("live.top_ups", l.topUps),
			row("live.subsidy", l.subsidy), row("live.total", l.total)),
		l.note,
	)
	l.sumLine = widget.NewLabel("")
	l.sumLine.TextStyle.Bold = true
	l.sumLine.Wrapping = fyne.TextWrapWord
	l.why = widget.NewLabel("")
	l.why.Wrapping = fyne.TextWrapWord
	l.why.Importance = widget.DangerImportance
	l.compact = container.NewVBox(widget.NewSeparator(), l.sumLine, l.why)
	return l
}

// settingOf is the district setting of a household.
func settingOf(urban bool) district.Setting {
	if urban {
		return district.SettingUrban
	}
	return district.SettingRural
}

// show renders a computation; standard is the standard that applies.
func (l *visitLive) show(live model.Live, standard int64) {
	lng := kit.CurrentLanguage()
	l.standard.SetText(kit.Money(standard))
	l.reasons.Objects = nil
	if live.Err != nil {
		for _, v := range []*widget.Label{l.counted, l.income, l.perCapita, l.benefit, l.topUps, l.subsidy, l.total} {
			v.SetText("—")
		}
		l.verdict.SetText(lang.L("live.cannot_compute"))
		l.verdict.Importance = widget.WarningImportance
		l.verdict.Refresh()
		l.reasons.Add(reasonLabel(live.Err.Text(lng), widget.WarningImportance))
	} else {
		l.counted.SetText(strconv.Itoa(live.Income.CountedMembers))
		l.income.SetText(kit.Money(live.Income.CountedIncomeFen))
		l.perCapita.SetText(kit.Money(live.Income.PerCapitaFen))
		if live.Eligibility.Eligible {
			l.verdict.SetText("✓ " + lang.L("live.eligible"))
			l.verdict.Importance = widget.SuccessImportance
		} else {
			l.verdict.SetText("✗ " + lang.L("live.not_eligible"))
			l.verdict.Importance = widget.DangerImportance
		}
		l.verdict.Refresh()
		for _, r := range live.Eligibility.Reasons {
			l.reasons.Add(reasonLabel("• "+r.Text(lng), widget.DangerImportance))
		}
		base := live.Benefit.BaseFen
		top := live.Benefit.TopUpFen
		if !live.Eligibility.Eligible {
			base, top = 0, 0
		}
		l.benefit.SetText(kit.Money(base))
		l.topUps.SetText(kit.Money(top))
		l.subsidy.SetText(kit.Money(live.PriceSubsidyFen))
		l.total.SetText(kit.Money(live.BenefitFen + live.PriceSubsidyFen))
	}
	l.reasons.Refresh()
	l.showCompact(live)
	note := lang.L("live.advice")
	if live.Skipped > 0 {
		note = lang.L("live.skipped", map[string]any{"Count": live.Skipped}) + "\n" + note
	}
	l.note.SetText(note)
}

// showCompact renders the one-line summary of the narrow layout.
func (l *visitLive) showCompact(live model.Live) {
	lng := kit.CurrentLanguage()
	if live.Err != nil {
		l.sumLine.SetText(lang.L("live.cannot_compute"))
		l.why.SetText(live.Err.Text(lng))
		l.why.Show()
		return
	}
	verdict := "✓ " + lang.L("live.eligible")
	if !live.Eligibility.Eligible {
		verdict = "✗ " + lang.L("live.not_eligible")
	}
	l.sumLine.SetText(lang.L("live.compact", map[string]any{"PerCapita": kit.Money(live.Income.PerCapitaFen),
		"Verdict": verdict, "Total": kit.Money(live.BenefitFen + live.PriceSubsidyFen)}))
	var why []string
	for _, r := range live.Eligibility.Reasons {
		why = append(why, r.Text(lng))
	}
	l.why.SetText(strings.Join(why, "\n"))
	if len(why) > 0 {
		l.why.Show()
	} else {
		l.why.Hide()
	}
}

func reasonLabel(text string, imp widget.Importance) *widget.Label {
	r := widget.NewLabel(text)
	r.Wrapping = fyne.TextWrapWord
	r.Importance = imp
	return r
}
