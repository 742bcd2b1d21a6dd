package kit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/sync/client"
)

// Attachments (photos, signatures) are blob files named by their SHA-256
// (Env.Blobs). Sync uploads the device's own; a record synced from another
// device names blobs this device has never seen, and they are downloaded
// from the server when a screen first shows them.

// errOffline says a missing attachment cannot be fetched: the device is a
// local demo, or the hash is not a blob name.
var errOffline = errors.New("attachment not available offline")

// fetches are the attachment downloads in progress, each with the
// callbacks waiting for it; at most one download per blob.
type fetches struct {
	mu      sync.Mutex
	waiting map[string][]func(error)
}

// hasBlob reports whether attachment hash is on this device.
func (x *Env) hasBlob(hash string) bool {
	if !model.ValidHash(hash) {
		return false
	}
	_, err := os.Stat(x.Blobs().Path(hash))
	return err == nil
}

// fetchBlob makes attachment hash available on this device and then calls
// done on the main goroutine with nil, or with why it could not (errOffline
// on a demo device, the server's or network's error otherwise). A blob on
// the device already is done at once.
func (x *Env) fetchBlob(hash string, done func(error)) {
	if x.hasBlob(hash) {
		done(nil)
		return
	}
	if !model.ValidHash(hash) || x.Me.Mode != records.ModeServer {
		done(errOffline)
		return
	}
	x.fetching.mu.Lock()
	if x.fetching.waiting == nil {
		x.fetching.waiting = map[string][]func(error){}
	}
	_, running := x.fetching.waiting[hash]
	x.fetching.waiting[hash] = append(x.fetching.waiting[hash], done)
	x.fetching.mu.Unlock()
	if running {
		return
	}
	me := x.Me
	x.Go(func() {
		ctx := x.StopContext()
		err := x.downloadBlob(ctx, me, hash)
		if err != nil {
			fyne.LogError("download attachment "+hash, err)
		}
		x.fetching.mu.Lock()
		ws := x.fetching.waiting[hash]
		delete(x.fetching.waiting, hash)
		x.fetching.mu.Unlock()
		fyne.Do(func() {
			for _, w := range ws {
				w(err)
			}
		})
	})
}

// downloadBlob fetches blob hash from me's server into the blob folder. The
// file appears only complete and checked against its hash, and is recorded
// as held by the server so sync never uploads it back. It runs on any
// goroutine.
func (x *Env) downloadBlob(ctx context.Context, me records.Identity, hash string) error {
	b := x.Blobs()
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return fmt.Errorf("download blob %s: %w", hash, err)
	}
	tmp, err := os.CreateTemp(b.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("download blob %s: %w", hash, err)
	}
	c := client.New(me.ServerURL, me.Token)
	c.HTTP = x.HTTPClient
	_, err = c.DownloadBlob(ctx, hash, 0, tmp) // checks the bytes against the hash
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), b.Path(hash))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return x.Store.MarkBlobUploaded(ctx, hash)
}

// BlobImage shows attachment hash as an image of at least size: at once
// when it is on the device, else a "downloading" note replaced by the
// image once fetched, or by "not available offline" when it cannot be.
func (x *Env) BlobImage(hash string, size fyne.Size) fyne.CanvasObject {
	box := container.NewStack()
	show := func(err error) {
		if err != nil {
			box.Objects = []fyne.CanvasObject{blobNote(lang.L("attachment.unavailable"), size)}
		} else {
			img := canvas.NewImageFromFile(x.Blobs().Path(hash))
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(size)
			box.Objects = []fyne.CanvasObject{img}
		}
		box.Refresh()
	}
	if x.hasBlob(hash) {
		show(nil)
		return box
	}
	box.Objects = []fyne.CanvasObject{blobNote(lang.L("attachment.loading"), size)}
	x.fetchBlob(hash, show)
	return box
}

// blobNote is a small centred caption in place of an attachment.
func blobNote(text string, size fyne.Size) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	return container.NewGridWrap(size, container.NewVBox(layout.NewSpacer(), l, layout.NewSpacer()))
}
