//! What every shape and colour on the map means: the same glyphs, drawn in a few static SVGs.

use leptos::prelude::*;

use super::colors as c;

#[component]
fn Glyph(children: Children) -> impl IntoView {
    view! { <svg class="glyph" viewBox="-10 -10 20 20" width="20" height="20" aria-hidden="true">{children()}</svg> }
}

#[component]
pub fn Legend() -> impl IntoView {
    let hex = "M9,0 L4.5,7.8 L-4.5,7.8 L-9,0 L-4.5,-7.8 L4.5,-7.8 Z";
    view! {
        <section class="legend panel" data-testid="legend">
            <h2>"Legend"</h2>
            <ul>
                <li><Glyph><circle r="1.6" cx="-4" fill=c::PEER/><circle r="1.6" cx="3" cy="3" fill=c::PEER/><circle r="6" fill=c::PEER opacity="0.25" cx="2" cy="-3"/></Glyph>
                    "Ordinary peers — a dot each, or a halo sized by how many a supernode serves"</li>
                <li>
                    <svg class="glyph wide" viewBox="0 -10 80 20" width="80" height="20" aria-hidden="true">
                        <circle cx="9" r="6" fill=c::LOAD_FILLS[0]/><circle cx="29" r="6" fill=c::LOAD_FILLS[1]/>
                        <circle cx="49" r="6" fill=c::LOAD_FILLS[2]/><circle cx="69" r="6" fill=c::LOAD_FILLS[3]/>
                    </svg>
                    "Supernode, coloured by load: under 25% · 50% · 75% · near capacity"</li>
                <li><Glyph><circle r="5" fill=c::LOAD_FILLS[3]/><circle r="8" fill="none" stroke=c::OVERLOAD stroke-width="1.5"/></Glyph>
                    "Over capacity (red ring)"</li>
                <li><Glyph><path d="M-5,-5 L5,5 M5,-5 L-5,5" stroke=c::CRASHED stroke-width="2"/></Glyph>
                    "Crashed on the 5.0.0.152 bug (white flash, then a grey cross)"</li>
                <li><Glyph><path d="M3.8,-5.2 A6.5,6.5 0 1 1 -3.8,-5.2" fill="none" stroke=c::OVERLOAD stroke-width="2"/></Glyph>
                    "Shut down by its overload safeguard (broken red ring)"</li>
                <li><Glyph><circle r="5" fill="none" stroke=c::PROMOTING stroke-width="1.5" stroke-dasharray="4 4"/></Glyph>
                    "Restarting, or a peer being promoted to supernode (dashed ring)"</li>
                <li><Glyph><circle r="7" fill="none" stroke=c::RECOVER stroke-width="1.5"/></Glyph>
                    "Back in service (green ring closing in)"</li>
                <li>
                    <svg class="glyph wide" viewBox="0 -10 80 20" width="80" height="20" aria-hidden="true">
                        <circle cx="9" r="8" fill="none" stroke=c::GROUP_HEALTHY stroke-width="1.5"/>
                        <circle cx="29" r="8" fill=c::GROUP_STORM fill-opacity="0.15" stroke=c::GROUP_STORM stroke-width="1.5" stroke-dasharray="5 3"/>
                        <circle cx="49" r="8" fill=c::OVERLOAD fill-opacity="0.25" stroke=c::OVERLOAD stroke-width="1.5" stroke-dasharray="2.5 2.5"/>
                        <circle cx="69" r="8" fill=c::RECOVER fill-opacity="0.18" stroke=c::RECOVER stroke-width="1.5" stroke-dasharray="1 2.5"/>
                    </svg>
                    "Cache group — the supernodes a client's host cache knows: healthy · storm · down (few users have service) · recovering"</li>
                <li><Glyph><path d=hex fill=c::MEGA/></Glyph>
                    "Mega-supernode — Skype's own server, added to rebuild the network"</li>
                <li><Glyph><rect x="-7" y="-7" width="14" height="14" fill=c::LOGIN/></Glyph>
                    "Login servers (a yellow pulse = the reconnect storm)"</li>
                <li><Glyph><path d="M0,-9 L9,0 L0,9 L-9,0 Z" fill=c::IM/></Glyph>
                    "Offline-IM servers (a red pulse = late replies)"</li>
                <li>
                    <svg class="glyph wide" viewBox="0 -10 80 20" width="80" height="20" aria-hidden="true">
                        <rect x="6" y="-2" width="4" height="4" fill=c::FLOW_ORPHAN/><rect x="34" y="-2" width="4" height="4" fill=c::FLOW_LOGIN/>
                        <rect x="62" y="-2" width="4" height="4" fill=c::FLOW_MEGA/>
                    </svg>
                    "Peers moving: to a new supernode · retrying at the login servers · sent to a mega-supernode"</li>
                <li><Glyph><path d="M-8,4 L8,-4" stroke="#8ca0c8" stroke-width="1"/></Glyph>
                    "Link between supernodes (a sample when there are many)"</li>
            </ul>
            <p class="hint">"Scroll or pinch to zoom, drag to pan, double-click to reset. Zoom in to see individual peers."</p>
        </section>
    }
}
