// Package assets embeds Doorstep's static files — the CJK fonts of the theme,
// the app icon and the zh-CN / en translation files — so that the app reads
// nothing from the device at run time and renders Chinese on any system.
//
// The fonts are subsets of Noto Sans CJK SC made by assets/fonts/build/build.sh
// (licence: fonts/OFL.txt); icon.png is rendered from icon.svg by render_icon.go.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:generate go run render_icon.go icon.svg icon.png 512

// TranslationsDir is the directory inside Translations that holds the
// translation files, as lang.AddTranslationsFS wants it.
const TranslationsDir = "translations"

// Translations holds translations/<code>.json for each language the app
// speaks: zh-CN.json and en.json. Each is a flat JSON object of message ID to
// text (or to an object of plural forms), the format of fyne.io/fyne/v2/lang.
//
//go:embed translations/*.json
var Translations embed.FS

var (
	//go:embed fonts/NotoSansCJKsc-Regular-subset.otf
	fontRegular []byte
	//go:embed fonts/NotoSansCJKsc-Bold-subset.otf
	fontBold []byte
	//go:embed fonts/OFL.txt
	fontLicense []byte
	//go:embed icon.png
	iconPNG []byte
	//go:embed icon.svg
	iconSVG []byte

	// One value each, so that Fyne's font and image caches, which are keyed
	// by resource, parse every file once.
	fontRegularRes = fyne.NewStaticResource("NotoSansCJKsc-Regular-subset.otf", fontRegular)
	fontBoldRes    = fyne.NewStaticResource("NotoSansCJKsc-Bold-subset.otf", fontBold)
	fontLicenseRes = fyne.NewStaticResource("OFL.txt", fontLicense)
	iconRes        = fyne.NewStaticResource("icon.png", iconPNG)
	iconSVGRes     = fyne.NewStaticResource("icon.svg", iconSVG)
)

// FontRegular returns the regular CJK face: an OpenType (CFF) subset of
// Noto Sans CJK SC covering the 8,105 characters of 通用规范汉字表, all of
// CJK Unified Ideographs and Extension A, CJK and fullwidth punctuation and
// the symbols of GB 2312 that Fyne's own face lacks. It has no Latin glyphs,
// so Latin text keeps Fyne's face.
func FontRegular() fyne.Resource { return fontRegularRes }

// FontBold returns the bold CJK face, with the same coverage as FontRegular.
func FontBold() fyne.Resource { return fontBoldRes }

// FontLicense returns the copyright notice and SIL Open Font License of the
// CJK fonts as plain text. The licence asks that it travel with the fonts:
// show it on an about or licences screen.
func FontLicense() fyne.Resource { return fontLicenseRes }

// Icon returns the app icon as a 512×512 PNG.
func Icon() fyne.Resource { return iconRes }

// IconSVG returns the app icon as SVG, for drawing it at any size in the UI.
func IconSVG() fyne.Resource { return iconSVGRes }
