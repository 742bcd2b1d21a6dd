package server

import (
	"context"
	"log/slog"

	"doorstep/sync/version"
)

// noteAppVersion logs, once per device and app version, a device whose app
// is older than Config.MinAppVersion. The request is still served: an old
// app keeps syncing what its user typed, and the operator hears which
// tablets need updating. Requests without a device (health, enrollment)
// and clients that are not the Doorstep app are ignored.
func (s *Server) noteAppVersion(ctx context.Context, device, userAgent string) {
	if s.cfg.MinAppVersion == "" || device == "" {
		return
	}
	v, ok := version.FromUserAgent(userAgent)
	if !ok || !version.Older(v, s.cfg.MinAppVersion) {
		return
	}
	if _, seen := s.oldApps.LoadOrStore(device+"/"+v, struct{}{}); seen {
		return
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "device runs an app older than the minimum",
		slog.String("device", device), slog.String("app_version", v),
		slog.String("min_app_version", s.cfg.MinAppVersion), slog.String("user_agent", userAgent))
}
