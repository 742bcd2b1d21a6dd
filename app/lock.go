package app

import (
	"doorstep/app/kit"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/assets"
)

// lockScreen hides every record behind the user's PIN. While it shows, the
// shell (with any half-filled form, whose draft is saved) is off the canvas.
type lockScreen struct {
	x    *App
	pin  *kit.NumericEntry
	msg  *widget.Label
	root fyne.CanvasObject
}

func newLockScreen(x *App) *lockScreen {
	l := &lockScreen{x: x}
	icon := canvas.NewImageFromResource(assets.Icon())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))
	l.pin = kit.NewNumericPasswordEntry()
	l.pin.SetPlaceHolder(lang.L("lock.pin"))
	l.pin.OnSubmitted = func(string) { l.unlock() }
	l.msg = widget.NewLabel("")
	l.msg.Wrapping = fyne.TextWrapWord
	l.msg.Importance = widget.DangerImportance
	l.msg.Hide()
	btn := widget.NewButtonWithIcon(lang.L("lock.unlock"), theme.LoginIcon(), l.unlock)
	btn.Importance = widget.HighImportance
	title := widget.NewLabelWithStyle(lang.L("lock.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	who := widget.NewLabelWithStyle(x.me.UserName, fyne.TextAlignCenter, fyne.TextStyle{})
	form := container.NewVBox(icon, title, who, l.pin, l.msg, btn)
	l.root = container.New(&kit.CenteredLayout{MaxWidth: 360}, form)
	return l
}

// unlock checks the PIN. Wrong PINs are throttled (records.Unlock): after
// a few, the screen says how long to wait and checks nothing meanwhile.
func (l *lockScreen) unlock() {
	ok, wait, err := l.x.store.Unlock(l.x.ctx(), l.pin.Text)
	if err != nil {
		l.x.showError("error.read", err)
		return
	}
	if !ok {
		l.pin.SetText("")
		msg := lang.L("lock.wrong_pin")
		if wait > 0 {
			msg = lang.L("lock.wait", map[string]any{"Seconds": int(math.Ceil(wait.Seconds()))})
		}
		if wiped, warning := l.x.afterWrongPIN(); wiped {
			return
		} else if warning != "" {
			msg += "\n" + warning
		}
		l.msg.SetText(msg)
		l.msg.Show()
		return
	}
	l.x.unlock()
}

// lock hides the records behind the lock screen.
func (x *App) lock() {
	if x.locked || x.shell == nil {
		return
	}
	if has, _ := x.store.HasPIN(x.ctx()); !has {
		return
	}
	x.locked = true
	x.shell.leaveVisible()
	l := newLockScreen(x)
	x.win.SetContent(l.root)
	x.win.Canvas().Focus(l.pin)
}

// unlock shows the shell again, as it was.
func (x *App) unlock() {
	x.locked = false
	x.touch()
	x.win.SetContent(x.shell.root)
	x.shell.reloadVisible()
}

// Locked reports whether the lock screen is showing.
func (x *App) Locked() bool { return x.locked }
