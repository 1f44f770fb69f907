/* The kernel-free explorer of the HTML book (kx_helpers.widgets): one range input per parameter, each
   position a precomputed frame. Python inlines this function after each explorer and calls it with the
   explorer's element id; the frames and labels sit in the explorer's <script class="kx-data"> element:
     frames  distinct base64 PNGs;
     index   for every grid point (row-major over the parameters), the frame it shows;
     texts   per parameter, the label of each of its positions;
     sizes   per parameter, its number of positions. */
function kxScrubber(id) {
  var root = document.getElementById(id);
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(root.querySelector("script.kx-data").textContent);
  var img = root.querySelector("img.kx-frame");
  var inputs = root.querySelectorAll("input[type=range]");
  var outputs = root.querySelectorAll("output");

  function show() {
    var k = 0;
    for (var j = 0; j < inputs.length; j++) {
      var position = +inputs[j].value;
      k = k * data.sizes[j] + position;
      outputs[j].textContent = data.texts[j][position];
    }
    img.src = "data:image/png;base64," + data.frames[data.index[k]];
    root.setAttribute("data-frame", String(k));
  }

  for (var j = 0; j < inputs.length; j++) inputs[j].addEventListener("input", show);
  show();
}
