#!/usr/bin/env python3
"""Latency of iris inference on one kept-alive HTTP/1.1 connection, by answer size.

Usage: bench/keepalive-latency.py PORT ROWS   (a server on PORT serving the iris SVC as "iris")
Sends 60 requests of ROWS rows one after the other on one connection and prints the median and
p90 of the last 50. An answer larger than one TCP segment shows whether the server sets
TCP_NODELAY: without it, the last segment waits for the client's delayed ACK (about 40 ms).
"""
import http.client, json, time, statistics, sys
port=int(sys.argv[1]); rows=int(sys.argv[2])
body=json.dumps({"inputs":[{"name":"float_input","shape":[rows,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]*rows}]})
c=http.client.HTTPConnection("127.0.0.1",port)
ts=[]
for i in range(60):
    t=time.perf_counter()
    c.request("POST","/v2/models/iris/infer",body,{"Content-Type":"application/json"})
    r=c.getresponse(); d=r.read()
    ts.append((time.perf_counter()-t)*1000)
print(f"rows {rows} answer {len(d)} bytes: median {statistics.median(ts[10:]):.2f} ms p90 {sorted(ts[10:])[int(0.9*50)]:.2f} ms")
