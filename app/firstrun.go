package app

import (
	"context"
	"doorstep/app/kit"
	"errors"
	"os"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"doorstep/app/records"
	"doorstep/assets"
	"doorstep/schema"
	"doorstep/sync/client"
)

// firstRun enrolls a new device with a sync server, or starts the local
// demo district; either way the user chooses the app's language and a PIN.
type firstRun struct {
	x        *App
	language *widget.Select
	pin      *kit.NumericEntry
	pinAgain *kit.NumericEntry
	pinMsg   *widget.Label
	server   *widget.Entry
	code     *widget.Entry
	enroll   *widget.Button
	demoRole *widget.RadioGroup
	demo     *widget.Button
	busy     *widget.ProgressBarInfinite
	status   *widget.Label
	root     fyne.CanvasObject
}

// demoRoles are the roles the local demo can start as.
var demoRoles = []schema.Role{schema.RoleWorker, schema.RoleVolunteer, schema.RoleSupervisor}

func newFirstRun(x *App) *firstRun {
	f := &firstRun{x: x}
	f.language = widget.NewSelect(languageNames(), func(name string) {
		code := kit.Languages()[slices.Index(languageNames(), name)]
		if code == kit.CurrentLanguage() {
			return
		}
		if err := x.store.SetSetting(x.ctx(), records.SettingLanguage, code); err != nil {
			x.showError("error.save", err)
			return
		}
		setLanguage(code)
		x.win.SetTitle(lang.L("app.title"))
		next := newFirstRun(x)
		next.copyFrom(f)
		next.show()
	})
	f.language.SetSelectedIndex(slices.Index(kit.Languages(), kit.CurrentLanguage()))

	f.pin, f.pinAgain = kit.NewNumericPasswordEntry(), kit.NewNumericPasswordEntry()
	f.pin.SetPlaceHolder(lang.L("firstrun.pin"))
	f.pinAgain.SetPlaceHolder(lang.L("firstrun.pin_again"))
	f.pinMsg = widget.NewLabel("")
	f.pinMsg.Importance = widget.DangerImportance
	f.pinMsg.Hide()
	// Enter moves on: from the PIN to its repeat, and from the repeat to
	// enrolling when a server and code are filled in (make demo, a QR scan).
	f.pin.OnSubmitted = func(string) { x.win.Canvas().Focus(f.pinAgain) }
	f.pinAgain.OnSubmitted = func(string) {
		if strings.TrimSpace(f.server.Text) != "" && strings.TrimSpace(f.code.Text) != "" {
			f.doEnroll()
			return
		}
		x.win.Canvas().Focus(f.server)
	}

	f.server = widget.NewEntry()
	f.server.SetPlaceHolder("https://sync.example.org")
	f.code = widget.NewEntry()
	f.code.SetPlaceHolder(lang.L("firstrun.code_hint"))
	if server, code, err := client.ParseEnrollURI(x.opts.Enroll); err == nil {
		f.server.SetText(server)
		f.code.SetText(code)
	}
	f.enroll = widget.NewButtonWithIcon(lang.L("firstrun.enroll"), theme.LoginIcon(), f.doEnroll)
	f.enroll.Importance = widget.HighImportance

	roleNames := make([]string, len(demoRoles))
	for i, r := range demoRoles {
		roleNames[i] = kit.RoleName(r)
	}
	// One role a line: "督导（街道/区）" does not fit beside the others in portrait.
	f.demoRole = widget.NewRadioGroup(roleNames, nil)
	f.demoRole.Required = true
	f.demoRole.SetSelected(roleNames[0])
	f.demo = widget.NewButtonWithIcon(lang.L("firstrun.demo"), theme.MediaPlayIcon(), f.doDemo)

	f.busy = widget.NewProgressBarInfinite()
	f.busy.Stop()
	f.busy.Hide()
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.status.Hide()

	icon := canvas.NewImageFromResource(assets.Icon())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))
	title := widget.NewLabelWithStyle(lang.L("firstrun.welcome"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	title.Wrapping = fyne.TextWrapWord // beside the language choice at large text
	intro := widget.NewLabel(lang.L("firstrun.intro"))
	intro.Wrapping = fyne.TextWrapWord
	header := container.NewBorder(nil, nil, icon, container.NewVBox(widget.NewLabel(lang.L("settings.language")), f.language),
		container.NewVBox(title, intro))

	wrapped := func(key string) *widget.Label {
		l := widget.NewLabel(lang.L(key))
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	pinCard := kit.Section("firstrun.pin_title", container.NewVBox(
		wrapped("firstrun.pin_explain"), f.pin, f.pinAgain, f.pinMsg))
	enrollCard := kit.Section("firstrun.enroll_title", container.NewVBox(
		wrapped("firstrun.server"), f.server, wrapped("firstrun.code"), f.code, f.enroll))
	demoText := widget.NewLabel(lang.L("firstrun.demo_explain"))
	demoText.Wrapping = fyne.TextWrapWord
	demoCard := kit.Section("firstrun.demo_title", container.NewVBox(demoText, f.demoRole, f.demo))

	body := container.NewVBox(header, pinCard,
		container.New(&kit.ColumnsLayout{MinColumn: 380}, enrollCard, demoCard),
		f.busy, f.status)
	f.root = container.NewVScroll(container.New(&kit.CenteredLayout{MaxWidth: 900}, container.NewPadded(body)))
	return f
}

func (f *firstRun) Content() fyne.CanvasObject { return f.root }

// show puts the first-run screen in the window with the PIN field focused,
// so a user (or make demo's smoke test) can type straight away.
func (f *firstRun) show() {
	f.x.win.SetContent(f.root)
	f.x.win.Canvas().Focus(f.pin)
}

// copyFrom keeps what was typed when the screen is rebuilt in another
// language.
func (f *firstRun) copyFrom(o *firstRun) {
	f.pin.SetText(o.pin.Text)
	f.pinAgain.SetText(o.pinAgain.Text)
	f.server.SetText(o.server.Text)
	f.code.SetText(o.code.Text)
	f.demoRole.SetSelected(f.demoRole.Options[slices.Index(o.demoRole.Options, o.demoRole.Selected)])
}

// checkPIN shows why the PIN is not acceptable, or returns true.
func (f *firstRun) checkPIN() bool {
	msg := ""
	switch {
	case !records.ValidPIN(f.pin.Text):
		msg = lang.L("pin.invalid")
	case f.pin.Text != f.pinAgain.Text:
		msg = lang.L("pin.mismatch")
	}
	if msg != "" {
		f.pinMsg.SetText(msg)
		f.pinMsg.Show()
		return false
	}
	f.pinMsg.Hide()
	return true
}

// setBusy shows progress with a message, disabling the buttons.
func (f *firstRun) setBusy(msg string) {
	f.enroll.Disable()
	f.demo.Disable()
	f.busy.Show()
	f.busy.Start()
	f.status.Importance = widget.MediumImportance
	f.status.SetText(msg)
	f.status.Show()
}

// fail shows an error message and enables the buttons again; nothing typed
// is cleared.
func (f *firstRun) fail(msg string) {
	f.enroll.Enable()
	f.demo.Enable()
	f.busy.Stop()
	f.busy.Hide()
	f.status.Importance = widget.DangerImportance
	f.status.SetText(msg)
	f.status.Show()
}

// doEnroll exchanges the enrollment code for a device token in the
// background and signs in with the user the server names.
func (f *firstRun) doEnroll() {
	x := f.x
	x.touch()
	if !f.checkPIN() {
		return
	}
	server, code := strings.TrimSpace(f.server.Text), strings.TrimSpace(f.code.Text)
	if s, c, err := client.ParseEnrollURI(code); err == nil {
		server, code = s, c // a scanned QR code holds both
	}
	if server == "" || code == "" {
		f.fail(lang.L("firstrun.need_server_code"))
		return
	}
	server, ok := serverAddress(server)
	if !ok {
		f.fail(lang.L("server.bad_address"))
		return
	}
	pin := f.pin.Text
	f.setBusy(lang.L("firstrun.enrolling"))
	x.goTask(func() {
		c := client.New(server, "")
		c.HTTP = x.opts.HTTPClient
		res, err := c.EnrollDevice(context.Background(), x.dev.DB(), code, deviceName(), x.dev.Site())
		fyne.Do(func() {
			if err != nil {
				f.fail(syncErrorText(err, x.opts.Now()))
				return
			}
			me := records.Identity{Mode: records.ModeServer, UserID: res.User.ID, UserName: res.User.Name,
				Role: res.User.Role, Communities: res.User.Communities, Pairings: res.User.Pairings,
				Street: res.User.Street, DeviceID: res.DeviceID, SiteID: res.SiteID,
				ServerURL: server, Token: res.Token}
			f.finish(me, pin)
		})
	})
}

// doDemo loads the demo district as the chosen role in the background.
func (f *firstRun) doDemo() {
	x := f.x
	x.touch()
	if !f.checkPIN() {
		return
	}
	role := demoRoles[slices.Index(f.demoRole.Options, f.demoRole.Selected)]
	pin := f.pin.Text
	f.setBusy(lang.L("firstrun.loading_demo"))
	x.goTask(func() {
		me, err := x.loadDemo(role)
		fyne.Do(func() {
			if err != nil {
				f.fail(lang.L("firstrun.demo_failed", map[string]any{"Error": err.Error()}))
				return
			}
			f.finish(me, pin)
		})
	})
}

// loadDemo writes the demo district for role into the device database. It
// may run on any goroutine.
func (x *App) loadDemo(role schema.Role) (records.Identity, error) {
	ref := x.opts.DemoRef
	if ref.IsZero() {
		ref = x.opts.Now()
	}
	return x.store.LoadDemo(context.Background(), role, int64(x.opts.DemoSeed), ref, uuid.NewString())
}

// StartDemo does what first run's "start the demo" does, synchronously:
// loads the demo district as role, sets pin as the app-lock PIN and opens
// Today. It is for scripts and the screenshot renderer.
func (x *App) StartDemo(role schema.Role, pin string) error {
	if !records.ValidPIN(pin) {
		return errors.New("start demo: the PIN must be 4 to 8 digits")
	}
	me, err := x.loadDemo(role)
	if err != nil {
		return err
	}
	return x.finishFirstRun(me, pin)
}

// finish stores the PIN and identity and opens the app.
func (f *firstRun) finish(me records.Identity, pin string) {
	if err := f.x.finishFirstRun(me, pin); err != nil {
		f.fail(lang.L("error.save") + ": " + err.Error())
	}
}

// finishFirstRun stores the PIN and identity and opens Today.
func (x *App) finishFirstRun(me records.Identity, pin string) error {
	if err := errors.Join(x.store.SetPIN(x.ctx(), pin), x.store.SaveIdentity(x.ctx(), me)); err != nil {
		return err
	}
	x.dataChanged()
	x.signedIn(me)
	return nil
}

// deviceName labels this device in the server's device list.
func deviceName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "Doorstep"
}
