package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"

	"doorstep/sync/client"
)

// readCodes reads enrollment codes, one a line: a bare code (EJ1G-A1QM-TY7A)
// or an enrollment URI (doorstep://enroll?code=...). Blank lines and lines
// starting with # are skipped, and so are lines such as "valid until: ..."
// from enroll-code's output: only "enrollment code:" lines, URIs and lines
// that are a code alone count.
func readCodes(r io.Reader) ([]string, error) {
	var codes []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.Contains(line, "doorstep://"):
			_, code, err := client.ParseEnrollURI(line[strings.Index(line, "doorstep://"):])
			if err != nil {
				return nil, err
			}
			codes = append(codes, code)
		case strings.HasPrefix(line, "enrollment code:"):
			codes = append(codes, strings.TrimSpace(strings.TrimPrefix(line, "enrollment code:")))
		case codeRE.MatchString(line):
			codes = append(codes, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read codes: %w", err)
	}
	return codes, nil
}

// codeRE matches a bare enrollment code: groups of letters and digits
// joined by dashes, nothing else on the line.
var codeRE = regexp.MustCompile(`^[0-9A-Za-z]{4}(-[0-9A-Za-z]{4})+$`)

// admin runs the server's administration commands against its database:
// the way an operator creates users and codes (docs/PROTOCOL.md, "Running
// and administering the server").
type admin struct {
	bin, db string
}

func (a admin) run(ctx context.Context, args ...string) (string, error) {
	args = append(args, "--db", a.db)
	cmd := exec.CommandContext(ctx, a.bin, args...)
	cmd.Stdin = nil
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", a.bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// fieldUser is a community worker found in the server's user list.
type fieldUser struct {
	id, name    string
	communities []string
}

// workers lists the server's community workers (role worker with at least
// one community), ordered by id.
func (a admin) workers(ctx context.Context) ([]fieldUser, error) {
	out, err := a.run(ctx, "user", "list")
	if err != nil {
		return nil, err
	}
	var us []fieldUser
	for i, line := range strings.Split(out, "\n") {
		// ID NAME ROLE STREET COMMUNITIES PAIRINGS; a name may hold spaces,
		// so the columns after it are counted from the end.
		f := strings.Fields(line)
		if i == 0 || len(f) < 6 {
			continue
		}
		role, comms := f[len(f)-4], f[len(f)-2]
		if role != "worker" || comms == "-" {
			continue
		}
		us = append(us, fieldUser{id: f[0], name: strings.Join(f[1:len(f)-4], " "), communities: strings.Split(comms, ",")})
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("no community worker in %s (run \"%s demo --db %s\" first, or add users)", a.db, a.bin, a.db)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].id < us[j].id })
	return us, nil
}

// enrollCode asks for one enrollment code for user.
func (a admin) enrollCode(ctx context.Context, user string) (string, error) {
	out, err := a.run(ctx, "enroll-code", "--user", user)
	if err != nil {
		return "", err
	}
	codes, err := readCodes(strings.NewReader(out))
	if err != nil || len(codes) != 1 {
		return "", fmt.Errorf("enroll-code for %s printed no code: %q", user, out)
	}
	return codes[0], nil
}

// spread orders workers so that consecutive ones serve different
// communities: the first worker of each community (by community), then the
// second of each, and so on. The first n of them cover as many communities
// as n users can.
func spread(us []fieldUser) []fieldUser {
	byComm := map[string][]fieldUser{}
	var comms []string
	for _, u := range us {
		c := u.communities[0]
		if _, ok := byComm[c]; !ok {
			comms = append(comms, c)
		}
		byComm[c] = append(byComm[c], u)
	}
	sort.Strings(comms)
	out := make([]fieldUser, 0, len(us))
	for round := 0; len(out) < len(us); round++ {
		for _, c := range comms {
			if round < len(byComm[c]) {
				out = append(out, byComm[c][round])
			}
		}
	}
	return out
}

// provision creates one enrollment code per device, spreading the devices
// over users of the server's community workers (all of them when users is
// 0, else the first users of spread's order: one a community first):
// device i belongs to user i mod users. parallel admin commands run at a
// time.
func (a admin) provision(ctx context.Context, devices, users, parallel int, progress io.Writer) ([]string, error) {
	us, err := a.workers(ctx)
	if err != nil {
		return nil, err
	}
	us = spread(us)
	if users > 0 && users < len(us) {
		us = us[:users]
	}
	fmt.Fprintf(progress, "doorstep-load: creating %d enrollment codes for %d community workers with %s\n", devices, len(us), a.bin)
	codes := make([]string, devices)
	errs := make([]error, devices)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, parallel) {
		wg.Go(func() {
			for i := range next {
				codes[i], errs[i] = a.enrollCode(ctx, us[i%len(us)].id)
			}
		})
	}
	for i := range devices {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// codesFromFile reads the codes file at path ("-" is standard input).
func codesFromFile(path string) ([]string, error) {
	if path == "-" {
		return readCodes(os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("codes: %w", err)
	}
	defer f.Close()
	codes, err := readCodes(f)
	if err != nil {
		return nil, fmt.Errorf("codes %s: %w", path, err)
	}
	return codes, nil
}
