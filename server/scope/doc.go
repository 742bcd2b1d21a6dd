// Package scope is the server's access policy: pure functions deciding
// which rows a user may receive and which changes they may push.
//
// Nothing here touches a database; the store resolves a User and the
// scope-relevant values of each Row, and this package decides.
package scope
