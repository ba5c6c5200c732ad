// The browser's own "Leave site?" prompt for reload, close and links outside the app, while a form has unsaved changes.
let unsaved = false;

function onBeforeUnload(event) {
    if (unsaved) {
        event.preventDefault();
        event.returnValue = "";
    }
}

window.addEventListener("beforeunload", onBeforeUnload);

export function setUnsaved(value) {
    unsaved = value;
    // Also on the page, where a test (or a style) can see that leaving would ask.
    document.documentElement.toggleAttribute("data-unsaved-changes", value);
}
