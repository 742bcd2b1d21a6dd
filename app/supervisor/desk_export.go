package supervisor

import (
	"doorstep/app/kit"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/sheet"
)

// Export formats.
const (
	formatXLSX = "xlsx"
	formatCSV  = "csv"
)

// exportButtons offers a list or report for export: XLSX (every table, a
// tab each) and CSV (one table, chosen when there are several). sheets is
// called when a button is tapped, so it exports what is on screen then.
func exportButtons(x *kit.Env, base string, sheets func() []sheet.Sheet) fyne.CanvasObject {
	xlsx := widget.NewButtonWithIcon(lang.L("desk.export.xlsx"), theme.DownloadIcon(), func() {
		ss := sheets()
		if len(ss) == 0 {
			return
		}
		saveExport(x, base+".xlsx", func(w io.Writer) error { return writeExport(w, formatXLSX, ss, 0) })
	})
	csv := widget.NewButtonWithIcon(lang.L("desk.export.csv"), theme.DownloadIcon(), func() {
		ss := sheets()
		switch len(ss) {
		case 0:
			return
		case 1:
			saveExport(x, base+".csv", func(w io.Writer) error { return writeExport(w, formatCSV, ss, 0) })
			return
		}
		names := make([]string, len(ss))
		for i, s := range ss {
			names[i] = deskText(s.Name)
		}
		pick := widget.NewSelect(names, nil)
		pick.SetSelectedIndex(0)
		dialog.ShowCustomConfirm(lang.L("desk.export.pick_table"), lang.L("desk.export.csv"), lang.L("action.cancel"),
			pick, func(ok bool) {
				if i := pick.SelectedIndex(); ok && i >= 0 {
					name := fmt.Sprintf("%s-%d.csv", base, i+1)
					saveExport(x, name, func(w io.Writer) error { return writeExport(w, formatCSV, ss, i) })
				}
			}, x.Win)
	})
	return container.NewHBox(xlsx, csv)
}

// writeExport writes sheets as XLSX, or sheet i as CSV (UTF-8 with BOM),
// translated into the app's language.
func writeExport(w io.Writer, format string, ss []sheet.Sheet, i int) error {
	if format == formatXLSX {
		return sheet.WriteXLSX(w, ss, deskText)
	}
	return sheet.WriteCSV(w, ss[i], deskText)
}

// saveExport asks where to save a file and writes it with write.
func saveExport(x *kit.Env, name string, write func(io.Writer) error) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			x.ShowError("desk.export.failed", err)
			return
		}
		if wc == nil {
			return // cancelled
		}
		err = write(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			x.ShowError("desk.export.failed", err)
			return
		}
		dialog.ShowInformation(lang.L("desk.export.done"), wc.URI().Path(), x.Win)
	}, x.Win)
	d.SetFileName(name)
	d.Show()
}
