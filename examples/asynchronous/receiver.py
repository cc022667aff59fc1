"""A callback receiver for the example: checks the Mlsys-Signature of each POST and appends the
verified job JSON to the file named by its first argument. Port: the second argument."""
import hashlib
import hmac
import http.server
import os
import sys
import time

SECRET = os.environ["MLSYS_CALLBACK_SECRET"].encode()
OUT = sys.argv[1]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        fields = dict(part.split("=", 1) for part in self.headers["Mlsys-Signature"].split(","))
        expected = hmac.new(SECRET, fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(fields["t"])) < 300
        if not (hmac.compare_digest(expected, fields["v1"]) and fresh):
            self.send_response(401)
            self.end_headers()
            return
        with open(OUT, "ab") as out:
            out.write(b"verified " + body + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), Receiver).serve_forever()
