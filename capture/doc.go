// Package capture reads requests captured elsewhere: a command copied with
// a browser's "Copy as cURL" (bash or Windows cmd quoting), an HTTP/1.1
// request saved as text (Burp's "Copy to file", Turbo Intruder) and one
// entry of a HAR file. It only parses: curl's options are interpreted by
// the command line, which owns those flags, so that a copied command means
// exactly what the same flags typed after `racetest fire` mean.
//
// capture imports nothing of racetest's: what it returns are plain
// strings, headers and bytes.
package capture
