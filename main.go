package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
	_ "github.com/google/uuid"
	_ "github.com/rs/xid"
	_ "modernc.org/sqlite"
	_ "fyne.io/fyne/v2/test"
)

func main() {
	a := app.NewWithID("org.doorstep.app")
	w := a.NewWindow("Doorstep")
	w.SetContent(widget.NewLabel("Doorstep"))
	w.ShowAndRun()
}
