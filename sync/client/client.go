package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doorstep/sync/client/api"
	"doorstep/sync/version"
)

// ErrUnreachable is matched (errors.Is) by every error that means the
// server could not be reached or did not answer: no network, DNS, refused
// connection, timeout, TLS failure, or a proxy's non-API reply. The device
// simply tries again later; nothing was stored by the server that the
// device does not know about (a push is only stored together with its
// acknowledgement, and replaying it is a no-op).
var ErrUnreachable = errors.New("sync server unreachable")

// unreachable wraps a transport failure so it matches ErrUnreachable and
// keeps its cause.
type unreachable struct{ err error }

// Error says the server was unreachable, and why.
func (u *unreachable) Error() string { return fmt.Sprintf("sync server unreachable: %v", u.err) }

// Unwrap makes errors.Is match both ErrUnreachable and the cause.
func (u *unreachable) Unwrap() []error { return []error{ErrUnreachable, u.err} }

func wrapUnreachable(err error) error { return &unreachable{err: err} }

// Client talks to one sync server. It is safe for concurrent use.
type Client struct {
	// BaseURL is the server's address, e.g. "https://sync.example.org".
	BaseURL string
	// Token is the device token from Enroll; empty before enrollment.
	Token string
	// HTTP is the transport; when nil, a shared client with a 60 s timeout
	// whose transport keeps up to 64 idle connections per server (Go's
	// default keeps 2: a process holding many clients of one server, the
	// load generator or a benchmark, would open a connection per request).
	HTTP *http.Client
	// UserAgent names the app and version in requests; empty means
	// version.UserAgent() ("Doorstep/<version> (<os>/<arch>)"), which the
	// server uses to log devices older than its minimum.
	UserAgent string
}

// New returns a client for the server at baseURL with a device token.
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token}
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second, Transport: defaultTransport()}

// idleConns is how many idle connections per server the default transport
// keeps.
const idleConns = 64

func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = idleConns, idleConns
	return t
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// do sends a request and returns the response when its status is want (or
// any 2xx when want is 0). Any other answer becomes an error: *api.Error
// when the server sent one, ErrUnreachable for transport failures and
// non-API replies. The caller closes the body.
func (c *Client) do(ctx context.Context, method, path string, body io.Reader, hdr http.Header, want ...int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	ua := c.UserAgent
	if ua == "" {
		ua = version.UserAgent()
	}
	req.Header.Set("User-Agent", ua)
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, wrapUnreachable(err))
	}
	ok := resp.StatusCode/100 == 2 && len(want) == 0
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if ok {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, fmt.Errorf("%s %s: %w", method, path, readError(resp))
}

// readError turns a non-success response into *api.Error, or ErrUnreachable
// when the body is not an API error (a proxy or captive portal answered).
func readError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e api.Error
	if err := json.Unmarshal(b, &e); err != nil || e.Code == "" {
		return wrapUnreachable(fmt.Errorf("HTTP %d from something that is not the sync server: %.200q", resp.StatusCode, b))
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil {
			e.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	return &e
}

// getJSON fetches path and decodes the JSON answer into v.
func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	resp, err := c.do(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: decode: %w", path, wrapUnreachable(err))
	}
	return nil
}

// Health asks whether the server is up; it needs no token.
func (c *Client) Health(ctx context.Context) (api.Health, error) {
	var h api.Health
	return h, c.getJSON(ctx, api.PathHealth, &h)
}

// Me returns the device and its user as the server sees them now.
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var m api.Me
	return m, c.getJSON(ctx, api.PathMe, &m)
}

// Enroll exchanges a one-time code for a device token. siteID is the
// device replica's site UUID ("" lets the server choose, and the device must
// then adopt the returned SiteID). On success the client keeps the token.
func (c *Client) Enroll(ctx context.Context, code, deviceName, siteID string) (api.EnrollResponse, error) {
	return c.EnrollWith(ctx, api.EnrollRequest{Code: code, DeviceName: deviceName, SiteID: siteID})
}

// EnrollWith sends an enrollment request as given — with the device's
// evidence public key (api.EnrollRequest.PublicKey; EnrollDevice fills it
// in from the device database). On success the client keeps the token.
func (c *Client) EnrollWith(ctx context.Context, req api.EnrollRequest) (api.EnrollResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return api.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	hdr := http.Header{"Content-Type": {"application/json"}}
	resp, err := c.do(ctx, http.MethodPost, api.PathEnroll, bytes.NewReader(body), hdr, http.StatusCreated)
	if err != nil {
		return api.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	defer resp.Body.Close()
	var out api.EnrollResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return api.EnrollResponse{}, fmt.Errorf("enroll: decode: %w", wrapUnreachable(err))
	}
	c.Token = out.Token
	return out, nil
}

// ParseEnrollURI reads what an enrollment QR code holds,
// "doorstep://enroll?server=<url>&code=<code>", into the server address and
// the code.
func ParseEnrollURI(s string) (server, code string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "doorstep" || u.Host != "enroll" {
		return "", "", fmt.Errorf("not a Doorstep enrollment code: %q", s)
	}
	server, code = u.Query().Get("server"), u.Query().Get("code")
	if server == "" || code == "" {
		return "", "", fmt.Errorf("enrollment code %q lacks server or code", s)
	}
	return server, code, nil
}

// EnrollURI is what an enrollment QR code holds (see ParseEnrollURI).
func EnrollURI(server, code string) string {
	return "doorstep://enroll?" + url.Values{"server": {server}, "code": {code}}.Encode()
}
