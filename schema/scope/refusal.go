package scope

import "fmt"

// RefusalKind says why a write is refused.
type RefusalKind int

// Kinds of refusal. The server answers them as the API codes
// forbidden_role and forbidden_scope.
const (
	// RefuseRole: the user's role never writes the table (or the columns).
	RefuseRole RefusalKind = iota + 1
	// RefuseScope: the row, as stored or as the write would leave it, is
	// outside what the user may write.
	RefuseScope
)

// String names the kind.
func (k RefusalKind) String() string {
	switch k {
	case RefuseRole:
		return "role"
	case RefuseScope:
		return "scope"
	}
	return fmt.Sprintf("RefusalKind(%d)", int(k))
}

// Refusal is the error CheckWrite returns: the kind and a message for
// people naming the table and row.
type Refusal struct {
	Kind    RefusalKind
	Message string
}

// Error implements error.
func (r *Refusal) Error() string { return r.Message }

func refuse(kind RefusalKind, format string, args ...any) *Refusal {
	return &Refusal{Kind: kind, Message: fmt.Sprintf(format, args...)}
}
