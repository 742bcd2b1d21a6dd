package app

import (
	"context"
	"doorstep/app/kit"
	"fmt"
	neturl "net/url"
	"slices"
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
	"doorstep/assets"
	"doorstep/schema"
	"doorstep/sync/client"
	"doorstep/sync/version"
)

// idleChoices are the idle-lock times Settings offers; zero is "never".
var idleChoices = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute,
	10 * time.Minute, 30 * time.Minute, 0}

// settingsScreen: language, theme and text size, server, idle lock and PIN,
// about (the build's version).
type settingsScreen struct {
	x        *App
	loading  bool // reload is setting the selects: not a user's choice
	language *widget.Select
	theme    *widget.RadioGroup
	textSize *widget.RadioGroup
	idle     *widget.Select
	pinWipe  *pinWipeSetting
	server   *widget.Label
	address  *widget.Entry
	moveBtn  *widget.Button
	moveMsg  *widget.Label
	about    *fyne.Container
	root     fyne.CanvasObject
}

func newSettingsScreen(x *App) *settingsScreen {
	s := &settingsScreen{x: x}
	s.language = widget.NewSelect(languageNames(), nil)
	s.language.OnChanged = func(name string) {
		if s.loading {
			return
		}
		x.touch()
		code := kit.Languages()[slices.Index(languageNames(), name)]
		if code == kit.CurrentLanguage() {
			return
		}
		if err := x.store.SetSetting(x.ctx(), records.SettingLanguage, code); err != nil {
			x.showError("error.save", err)
			return
		}
		x.switchLanguage(code)
	}
	s.theme = widget.NewRadioGroup([]string{lang.L("settings.theme.light"), lang.L("settings.theme.dark")}, nil)
	s.theme.Required = true
	s.theme.OnChanged = func(string) { s.lookChanged() }
	s.textSize = widget.NewRadioGroup(textSizeNames(), nil)
	s.textSize.Required = true
	s.textSize.OnChanged = func(string) { s.lookChanged() }
	s.idle = widget.NewSelect(idleNames(), nil)
	s.idle.OnChanged = func(name string) {
		if s.loading {
			return
		}
		x.touch()
		d := idleChoices[slices.Index(idleNames(), name)]
		if err := x.store.SetIdleLock(x.ctx(), d); err != nil {
			x.showError("error.save", err)
		}
	}
	s.pinWipe = newPINWipeSetting(x)
	pinBtn := widget.NewButtonWithIcon(lang.L("settings.change_pin"), theme.VisibilityOffIcon(), s.changePIN)
	s.server = widget.NewLabel("")
	s.server.Wrapping = fyne.TextWrapWord
	s.address = widget.NewEntry()
	s.moveBtn = widget.NewButtonWithIcon(lang.L("settings.server_change"), theme.DocumentSaveIcon(), s.moveServer)
	s.moveMsg = widget.NewLabel("")
	s.moveMsg.Wrapping = fyne.TextWrapWord
	s.moveMsg.Hide()
	licence := widget.NewButtonWithIcon(lang.L("settings.font_licence"), theme.InfoIcon(), func() {
		text := widget.NewLabel(string(assets.FontLicense().Content()))
		text.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(text)
		scroll.SetMinSize(fyne.NewSize(560, 420))
		dialog.ShowCustom(lang.L("settings.font_licence"), lang.L("action.close"), scroll, x.win)
	})
	s.about = container.NewVBox()
	body := container.New(&kit.ColumnsLayout{MinColumn: 420},
		kit.Section("settings.language", s.language),
		kit.Section("settings.display", container.NewVBox(
			widget.NewLabel(lang.L("settings.theme")), s.theme,
			widget.NewLabel(lang.L("settings.text_size")), s.textSize)),
		kit.Section("settings.security", container.NewVBox(
			widget.NewLabel(lang.L("settings.idle_lock")), s.idle, pinBtn, s.pinWipe.root)),
		kit.Section("settings.server", container.NewVBox(s.server, s.address, s.moveBtn, s.moveMsg)),
		kit.Section("settings.about", container.NewVBox(s.about, licence)),
	)
	s.root = container.NewVScroll(container.NewPadded(body))
	return s
}

func (s *settingsScreen) Content() fyne.CanvasObject { return s.root }

func (s *settingsScreen) Reload() {
	x := s.x
	s.loading = true
	defer func() { s.loading = false }()
	s.language.SetSelectedIndex(slices.Index(kit.Languages(), kit.CurrentLanguage()))
	if x.look.Dark {
		s.theme.SetSelected(s.theme.Options[1])
	} else {
		s.theme.SetSelected(s.theme.Options[0])
	}
	s.textSize.SetSelected(s.textSize.Options[slices.Index(kit.TextSizes(), x.look.Text)])
	idle, err := x.store.IdleLock(x.ctx())
	if err != nil {
		x.showError("error.read", err)
	}
	if i := slices.Index(idleChoices, idle); i >= 0 {
		s.idle.SetSelectedIndex(i)
	}
	s.pinWipe.reload()
	if x.me.Mode == records.ModeDemo {
		s.server.SetText(lang.L("settings.server_demo"))
		s.address.Hide()
		s.moveBtn.Hide()
	} else {
		s.server.SetText(lang.L("settings.server_url", map[string]any{"URL": x.me.ServerURL}))
		s.address.SetText(x.me.ServerURL)
	}
	s.about.Objects = []fyne.CanvasObject{kit.Facts(
		kit.Field{Key: "settings.version", Value: version.String()},
		kit.Field{Key: "settings.schema_version", Value: strconv.Itoa(schema.Version)},
		kit.Field{Key: "settings.device_id", Value: x.me.DeviceID},
		kit.Field{Key: "settings.user", Value: x.me.UserName + " · " + kit.RoleName(x.me.Role)},
	)}
	s.about.Refresh()
}

// lookChanged applies the theme and text size the user chose: stored,
// and the window rebuilt in them at once.
func (s *settingsScreen) lookChanged() {
	if s.loading {
		return
	}
	x := s.x
	x.touch()
	t := kit.Theme{Dark: s.theme.Selected == s.theme.Options[1],
		Text: kit.TextSizes()[max(0, slices.Index(s.textSize.Options, s.textSize.Selected))]}
	if t == x.look {
		return
	}
	if err := x.SetLook(t); err != nil {
		x.showError("error.save", err)
	}
}

// moveServer points the device at a new address of its server (the office
// moved it): the address is used only once the server answers there.
func (s *settingsScreen) moveServer() {
	x := s.x
	x.touch()
	url, ok := serverAddress(s.address.Text)
	if !ok {
		s.moveMsg.Importance = widget.DangerImportance
		s.moveMsg.SetText(lang.L("server.bad_address"))
		s.moveMsg.Show()
		return
	}
	s.moveBtn.Disable()
	x.goTask(func() {
		c := client.New(url, "")
		c.HTTP = x.opts.HTTPClient
		_, err := c.Health(context.Background())
		fyne.Do(func() {
			s.moveBtn.Enable()
			s.moveMsg.Show()
			if err != nil {
				s.moveMsg.Importance = widget.DangerImportance
				s.moveMsg.SetText(syncErrorText(err, x.opts.Now()))
				return
			}
			me := x.me
			me.ServerURL = url
			if err := x.store.SaveIdentity(x.ctx(), me); err != nil {
				x.showError("error.save", err)
				return
			}
			x.setMe(me)
			s.moveMsg.Importance = widget.SuccessImportance
			s.moveMsg.SetText(lang.L("settings.server_changed"))
			s.server.SetText(lang.L("settings.server_url", map[string]any{"URL": url}))
			x.sync.request()
		})
	})
}

// serverAddress reads a typed server address: "sync.example.org" means
// https://sync.example.org; a trailing slash is dropped. It reports false
// for anything that is not an http or https address of a host.
func serverAddress(text string) (string, bool) {
	s := strings.TrimSpace(text)
	if s == "" {
		return "", false
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	s = strings.TrimRight(s, "/")
	u, err := neturl.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, " \t") {
		return "", false
	}
	return s, true
}

// changePIN asks for the current PIN and a new one twice.
func (s *settingsScreen) changePIN() {
	x := s.x
	x.touch()
	cur, pin, again := kit.NewNumericPasswordEntry(), kit.NewNumericPasswordEntry(), kit.NewNumericPasswordEntry()
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("settings.pin_current"), cur),
		widget.NewFormItem(lang.L("settings.pin_new"), pin),
		widget.NewFormItem(lang.L("settings.pin_again"), again),
		widget.NewFormItem("", msg),
	}
	var d dialog.Dialog
	d = dialog.NewForm(lang.L("settings.change_pin"), lang.L("action.save"), lang.L("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		good, err := x.store.CheckPIN(x.ctx(), cur.Text)
		switch {
		case err != nil:
			x.showError("error.read", err)
			return
		case !good:
			msg.SetText(lang.L("lock.wrong_pin"))
		case !records.ValidPIN(pin.Text):
			msg.SetText(lang.L("pin.invalid"))
		case pin.Text != again.Text:
			msg.SetText(lang.L("pin.mismatch"))
		default:
			if err := x.store.SetPIN(x.ctx(), pin.Text); err != nil {
				x.showError("error.save", err)
			}
			return
		}
		d.Show() // keep what was typed and show why
	}, x.win)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
}

// languageNames are the languages as Settings lists them (each in itself).
func languageNames() []string {
	out := make([]string, len(kit.Languages()))
	for i, c := range kit.Languages() {
		out[i] = lang.L("settings.language." + c)
	}
	return out
}

// textSizeNames are the text sizes as Settings lists them.
func textSizeNames() []string {
	out := make([]string, len(kit.TextSizes()))
	for i, t := range kit.TextSizes() {
		out[i] = lang.L("settings.text_size." + t.Name())
	}
	return out
}

// idleNames are the idle-lock choices as Settings lists them.
func idleNames() []string {
	out := make([]string, len(idleChoices))
	for i, d := range idleChoices {
		if d == 0 {
			out[i] = lang.L("settings.idle_never")
		} else {
			out[i] = lang.L("settings.idle_minutes", map[string]any{"Minutes": fmt.Sprint(int(d.Minutes()))})
		}
	}
	return out
}

// switchLanguage applies a new language: every screen is rebuilt in it
// (Settings shown again when signed in).
func (x *App) switchLanguage(code string) {
	setLanguage(code)
	x.rebuild()
}
