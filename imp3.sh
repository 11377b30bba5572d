curl 'http://127.0.0.1:19300/x' -H 'Content-Type: application/vnd.api+json' --data-raw '{"a": [{"token" : "T\\"1"}], "password": 123, "note": "${HOME} {{x}}", "secret": ""}'
