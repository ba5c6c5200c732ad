// The browser's time zone, read once by a page that shows times: Blazor Server renders on the server, which knows
// only its own zone. A module (not an inline script) so that the Content-Security-Policy allows it.
export function timeZone() {
    return {
        id: Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
        offsetMinutes: -new Date().getTimezoneOffset(),
    };
}
