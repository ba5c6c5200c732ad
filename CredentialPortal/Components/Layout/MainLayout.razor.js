// The palette a person chose with the app bar's toggle, kept in a cookie so that the server renders every page,
// the static log-in pages included, in it from the first byte.
const name = "portal-theme";

export function remembered() {
    const entry = document.cookie.split("; ").find(c => c.startsWith(name + "="));
    return entry ? entry.substring(name.length + 1) : null;
}

export function remember(mode) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `${name}=${mode}; path=/; max-age=31536000; samesite=lax${secure}`;
}

// Log out is a form post (antiforgery token, same-origin check); the phone menu's item submits the app bar's form.
export function submit(formId) {
    document.getElementById(formId)?.requestSubmit();
}
