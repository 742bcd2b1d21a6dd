package kit

// Translations: conventions and the language switch.
//
// Strings the user sees go through fyne.io/fyne/v2/lang with a literal
// message ID (or a constant): lang.L("action.save"), or with template data
// lang.L("sync.pending", map[string]any{"Count": n}). IDs are dotted, grouped
// by area (action., common., nav., sync., …); every ID must be in both
// assets/translations/en.json and zh-CN.json, with the same {{.Field}}
// placeholders — i18n_test.go fails otherwise. Do not use plural forms
// (lang.N, {"one": …, "other": …}): after SetLanguage the plural rules stay
// those of the system locale, so English "one" forms never show on a Chinese
// tablet; phrase counts without them ("Waiting to sync: {{.Count}}"). The
// files also carry Fyne's own strings ("Cancel", "monday.short", …) so that
// Fyne's dialogs, menus and date picker follow SetLanguage as well.
//
// Fyne v2.7.1 has no API to choose a language: lang picks the translation
// closest to the system locale, read again on every Add* call (see
// https://github.com/fyne-io/fyne/issues/5333). SetLanguage therefore
// re-registers the chosen language's messages under every locale tag Fyne
// might pick, so whichever it picks, it finds the chosen language.

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"doorstep/assets"
)

// Language codes of the translations in assets/translations.
const (
	LangZhCN = "zh-CN"
	LangEn   = "en"
)

// metaLanguageKey is the message whose text, in each file, is the code of
// that file's language; it tells which language is in force.
const metaLanguageKey = "meta.language"

// fyneLocales are the locales of Fyne v2.7.1's own translations
// (fyne.io/fyne/v2/lang/translations); Fyne may pick any of them.
var fyneLocales = []fyne.Locale{
	"cs", "de", "el", "en", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans",
}

var langMu sync.Mutex

// Languages returns the codes of the languages the app speaks, zh-CN first.
func Languages() []string { return []string{LangZhCN, LangEn} }

// LoadTranslations registers Doorstep's translation files with Fyne's lang
// package. Call it once at start-up, before building any UI; then call
// SetLanguage to apply the user's choice (or "" for the system default).
func LoadTranslations() error {
	langMu.Lock()
	defer langMu.Unlock()
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// SystemLanguage returns the app language that suits the device's locale:
// English where the system speaks English, Simplified Chinese otherwise
// (including minority-language systems, whose users read Chinese before
// English). A device with no locale set ("C") counts as English.
func SystemLanguage() string {
	base, _, _ := strings.Cut(lang.SystemLocale().LanguageString(), "-")
	if strings.EqualFold(base, "en") {
		return LangEn
	}
	return LangZhCN
}

// NormalizeLanguage maps a language code or locale ("zh", "zh_CN",
// "zh-Hans-CN", "en-GB", …) to LangZhCN or LangEn. It returns false for
// anything else.
func NormalizeLanguage(code string) (string, bool) {
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(code), "_", "-"), "-")
	switch strings.ToLower(base) {
	case "zh":
		return LangZhCN, true
	case "en":
		return LangEn, true
	}
	return "", false
}

// SetLanguage makes code (see NormalizeLanguage; "" means SystemLanguage())
// the language of every lang.L/N/X lookup from now on, Fyne's own strings
// included. It needs LoadTranslations first. Text already on screen keeps
// its language: rebuild the window's content afterwards. Call it from the
// Fyne main goroutine (fyne.Do), as lang's lookups are not locked.
func SetLanguage(code string) error {
	if code == "" {
		code = SystemLanguage()
	}
	want, ok := NormalizeLanguage(code)
	if !ok {
		return fmt.Errorf("set language: unsupported language %q (want %s)",
			code, strings.Join(Languages(), " or "))
	}
	data, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, want+".json"))
	if err != nil {
		return fmt.Errorf("set language %s: %w", want, err)
	}

	langMu.Lock()
	defer langMu.Unlock()
	var errs []error
	for _, loc := range overlayLocales() {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", loc, err))
		}
	}
	if got := lang.X(metaLanguageKey, ""); got != want {
		errs = append(errs, fmt.Errorf("fyne resolved the locale to a translation without Doorstep's messages (%q in force)", got))
		return fmt.Errorf("set language %s: %w", want, errors.Join(errs...))
	}
	// Errors for single locales do not matter once the lookup works.
	return nil
}

// CurrentLanguage returns the code of the language lang.L lookups of
// Doorstep's messages answer in now: LangZhCN or LangEn.
func CurrentLanguage() string {
	if code, ok := NormalizeLanguage(lang.X(metaLanguageKey, LangEn)); ok {
		return code
	}
	return LangEn
}

// overlayLocales lists every locale Fyne's lang package may resolve to:
// Fyne's own translations, Doorstep's, and the system locale itself (Fyne
// picks an exact match once it is registered).
func overlayLocales() []fyne.Locale {
	locs := append([]fyne.Locale{}, fyneLocales...)
	locs = append(locs, LangZhCN)
	if sys := fyne.Locale(lang.SystemLocale().LanguageString()); len(sys) >= 2 {
		locs = append(locs, sys)
	}
	seen := make(map[fyne.Locale]bool, len(locs))
	out := locs[:0]
	for _, l := range locs {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
