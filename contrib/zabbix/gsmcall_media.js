// gsmcall webhook media type for Zabbix: sends each problem, recovery and acknowledgement
// to gsmcall's generic intake route, POST /alerts.
//
// Zabbix runs this with Duktape (ECMAScript 5.1): no let/const, arrow functions or template
// strings. The media type's parameters arrive as the JSON string `value`.
//
// Parameters (see docs/intake/zabbix.md):
//   gsmcall_url    http://<pi>:9466/alerts
//   gsmcall_token  intake.token from gsmcall's config.yaml (empty: no Authorization header)
//   eventid        {EVENT.ID}       the problem's id; a recovery carries the problem's id too
//   eventvalue     {EVENT.VALUE}    1 problem, 0 recovery
//   eventupdate    {EVENT.UPDATE.STATUS}  1 for an update operation (an acknowledgement, a comment)
//   eventack       {EVENT.ACK.STATUS}     Yes once someone acknowledged the problem in Zabbix
//   event_source   {EVENT.SOURCE}   0 trigger, 1 discovery, 2 autoregistration, 3 internal
//   subject        {ALERT.SUBJECT}  spoken into the call and sent by SMS
//   message        {ALERT.MESSAGE}  used only when the subject is empty
//   sendto         {ALERT.SENDTO}   the user media's "Send to": numbers to ring, or "roster"
//   HTTPProxy      optional proxy for the request

var PHONE = /^\+?\d{3,20}$/;

function text(params) {
    var subject = String(params.subject || '').replace(/^\s+|\s+$/g, '');
    if (subject !== '') {
        return subject;
    }
    return String(params.message || '').replace(/^\s+|\s+$/g, '');
}

// The numbers in "Send to", or null to let gsmcall's roster decide. A typo must not turn into
// "ring the roster" silently, so anything else is an error Zabbix shows on the alert.
function phones(sendto) {
    var raw = String(sendto || '').replace(/^\s+|\s+$/g, '');
    if (raw === '' || raw.toLowerCase() === 'roster') {
        return null;
    }
    var parts = raw.split(/[\s,;]+/), numbers = [], i;
    for (i = 0; i < parts.length; i++) {
        if (parts[i] === '') {
            continue;
        }
        if (!PHONE.test(parts[i])) {
            throw 'Send to must be phone numbers (3-20 digits, optionally after +) or "roster", got "' + parts[i] + '"';
        }
        numbers.push(parts[i]);
    }
    return numbers.length ? numbers : null;
}

// firing, resolved, or null when the notification is not for gsmcall (a comment, a severity
// change): those ring nobody, so they are not sent at all.
function status(params) {
    var source = String(params.event_source), value = String(params.eventvalue);
    if (source === '1' || source === '2') {
        return 'firing';  // discovery and autoregistration events have no recovery
    }
    if (String(params.eventupdate) === '1') {
        // Acknowledged in Zabbix: someone has it, so stop ringing (gsmcall stops before the next call).
        return String(params.eventack) === 'Yes' ? 'resolved' : null;
    }
    if (value === '1') {
        return 'firing';
    }
    if (value === '0') {
        return 'resolved';
    }
    throw 'eventvalue must be 0 or 1, got "' + value + '"';
}

try {
    var params = JSON.parse(value);
    var url = String(params.gsmcall_url || '');
    if (!/^https?:\/\/[^\/]+\/alerts$/.test(url)) {
        throw 'gsmcall_url must be http://<host>:<port>/alerts, got "' + url + '"';
    }
    var eventid = String(params.eventid || '');
    if (!/^\d+$/.test(eventid)) {
        throw 'eventid must be {EVENT.ID}, got "' + eventid + '"';
    }
    var state = status(params);
    if (state === null) {
        Zabbix.log(4, '[gsmcall] event ' + eventid + ': an update without acknowledgement, not sent');
        return 'skipped';
    }
    var body = {id: 'zabbix-' + eventid, status: state};
    var said = text(params);
    if (said !== '') {
        body.text = said;
    }
    var numbers = phones(params.sendto);
    if (numbers !== null) {
        body.phones = numbers;
    }

    var req = new HttpRequest();
    if (typeof params.HTTPProxy === 'string' && params.HTTPProxy !== '') {
        req.setProxy(params.HTTPProxy);
    }
    req.addHeader('Content-Type: application/json');
    if (typeof params.gsmcall_token === 'string' && params.gsmcall_token !== '') {
        req.addHeader('Authorization: Bearer ' + params.gsmcall_token);
    }
    Zabbix.log(4, '[gsmcall] sending ' + JSON.stringify(body) + ' to ' + url);
    var answer = req.post(url, JSON.stringify(body));
    var code = req.getStatus();
    if (code !== 202) {
        // 503: gsmcall could not store it; thrown, so Zabbix tries again (the media type's attempts).
        throw 'gsmcall answered ' + code + ': ' + String(answer).replace(/\s+$/, '');
    }
    return 'OK';
}
catch (error) {
    Zabbix.log(3, '[gsmcall] notification failed: ' + error);
    throw 'gsmcall notification failed: ' + error;
}
