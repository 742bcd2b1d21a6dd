// Package scope is Doorstep's access policy: pure functions deciding which
// rows a user may read (receive from the server, hold on a device) and
// which rows they may write (push). The server enforces it; the app's local
// demo uses it to hold what a device of that role would hold.
//
// Reading and writing are two rules (read.go, write.go), each tested on its
// own. Nothing here touches a database or the network: the caller resolves
// a User and the scope-relevant values of each Row, and this package
// decides. It imports only package schema.
package scope
