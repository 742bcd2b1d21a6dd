package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/lang"

	"doorstep/app/kit"
)

// Device settings of the app's look, stored in the settings table beside
// the language.
const (
	settingTheme    = "theme"     // "light" (default) or "dark"
	settingTextSize = "text_size" // kit.TextSize names: "standard", "large", "xlarge"
)

// themeDark and themeLight are the stored values of settingTheme.
const (
	themeLight = "light"
	themeDark  = "dark"
)

// loadLook reads the stored theme and text size and applies them to the
// Fyne app; unset or unknown values are the light theme at standard size.
func (x *App) loadLook(ctx context.Context) error {
	th, _, err := x.store.Setting(ctx, settingTheme)
	if err != nil {
		return fmt.Errorf("read theme setting: %w", err)
	}
	size, _, err := x.store.Setting(ctx, settingTextSize)
	if err != nil {
		return fmt.Errorf("read text size setting: %w", err)
	}
	x.look = kit.Theme{Dark: th == themeDark, Text: kit.ParseTextSize(size)}
	x.fyne.Settings().SetTheme(x.look)
	return nil
}

// Look returns the theme in use (light or dark, and the text size).
func (x *App) Look() kit.Theme { return x.look }

// SetLook stores a theme and text size and applies them at once: the
// window is rebuilt in them (Settings shown again when signed in), so
// every screen, including colours computed when it was built, follows.
func (x *App) SetLook(t kit.Theme) error {
	ctx := x.ctx()
	name := themeLight
	if t.Dark {
		name = themeDark
	}
	if err := x.store.SetSetting(ctx, settingTheme, name); err != nil {
		return fmt.Errorf("save theme: %w", err)
	}
	if err := x.store.SetSetting(ctx, settingTextSize, t.Text.Name()); err != nil {
		return fmt.Errorf("save text size: %w", err)
	}
	x.look = t
	x.fyne.Settings().SetTheme(t)
	x.rebuild()
	return nil
}

// rebuild recreates the window's content in the current language and
// look: the first-run screen before sign-in, the lock screen when locked,
// otherwise the shell showing Settings (where the user changed them).
func (x *App) rebuild() {
	x.win.SetTitle(lang.L("app.title"))
	switch {
	case x.shell == nil:
		newFirstRun(x).show()
	case x.locked:
		x.buildShell()
		x.win.SetContent(newLockScreen(x).root)
	default:
		x.shell.leaveVisible()
		x.buildShell()
		x.shell.show("nav.settings")
		x.win.SetContent(x.shell.root)
	}
}
