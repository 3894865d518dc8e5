#!/usr/bin/env bash
# A throw-away one-node Ceph for tests: one monitor, one OSD on memstore (in memory, 1 GiB) and radosgw, all under
# DIR, on loopback, with no system service touched. Usage: radosgw-cluster.sh DIR MON_PORT RGW_PORT ACCESS SECRET.
# Stop it by killing the pids in DIR/run/*.pid. Debian 12: apt-get install radosgw ceph-mon ceph-osd (Ceph 16.2).
set -euo pipefail
D=$1 MONPORT=$2 RGWPORT=$3 ACCESS=$4 SECRET=$5
mkdir -p "$D"/{mon,osd,rgw,log,run}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat >"$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MONPORT
public addr = 127.0.0.1
keyring = $D/keyring
run dir = $D/run
log file = $D/log/\$name.log
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
ms bind ipv6 = false
[mon]
mon data = $D/mon
mon cluster log file = $D/log/cluster.log
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
[osd]
osd data = $D/osd
keyring = $D/osd/keyring
osd objectstore = memstore
memstore device bytes = 1073741824
osd crush chassis type = 0
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$RGWPORT
rgw data = $D/rgw
CONF
C=(-c "$D/ceph.conf")
ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MONPORT]" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
ceph-mon "${C[@]}" -i a
OSDUUID=$(cat /proc/sys/kernel/random/uuid)
ID=$(ceph "${C[@]}" --connect-timeout 60 osd new "$OSDUUID")
ceph-authtool --create-keyring "$D/osd/keyring" --gen-key -n "osd.$ID" >/dev/null
ceph-osd "${C[@]}" -i "$ID" --mkfs --osd-uuid "$OSDUUID" --no-mon-config 2>/dev/null
ceph "${C[@]}" auth add "osd.$ID" osd 'allow *' mon 'allow profile osd' -i "$D/osd/keyring"
ceph-osd "${C[@]}" -i "$ID" 2>/dev/null
ceph "${C[@]}" auth get-or-create client.rgw mon 'allow rw' osd 'allow rwx' >>"$D/keyring"
radosgw "${C[@]}" -n client.rgw
radosgw-admin "${C[@]}" user create --uid=tongkao --display-name=tongkao --access-key="$ACCESS" --secret-key="$SECRET" >/dev/null
